/// <reference types="mocha" />
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../widget/checkout-button.ts';
import type { CheckoutButton } from '../../widget/checkout-button.ts';
import { PROMOTION_CODE_RULE } from '../../shared/promotion-code.ts';
import {
  injectStripeFaults,
  mainStack,
  newUserId,
  purchase,
  silentServer,
  startStack,
  stopStack,
  tokenFor,
  type StackInfo,
} from './support/commands.ts';
import {
  button,
  errorMessage,
  input,
  nextEvent,
  part,
  partOrNull,
  pricesShown,
  text,
  type,
  watchRequests,
} from './support/element.ts';

describe('<checkout-button> checkout', () => {
  let stack: StackInfo;
  let watcher: ReturnType<typeof watchRequests> | undefined;

  before(async () => {
    stack = await mainStack();
  });

  afterEach(() => watcher?.stop());

  const checkoutPosts = () =>
    watcher!.requests.filter((r) => r.method === 'POST' && r.url.endsWith('/payment/checkout'));

  it('posts the plan, the code and the return URLs with an Idempotency-Key and the Bearer token', async () => {
    const token = await tokenFor(newUserId());
    const element = await fixture<CheckoutButton>(html`
      <checkout-button
        plan="PRO"
        billing="annual"
        promo="LAUNCH20"
        api=${stack.apiUrl}
        token=${token}
        success-url=${`${location.origin}/thanks`}
        cancel-url=${`${location.origin}/pricing`}
      ></checkout-button>
    `);
    await pricesShown(element);
    watcher = watchRequests();

    const redirect = nextEvent(element, 'checkout-redirect', { preventDefault: true });
    button(element).click();
    await redirect;

    const [post] = checkoutPosts();
    expect(checkoutPosts()).to.have.lengthOf(1);
    expect(JSON.parse(post!.body!)).to.deep.equal({
      planId: 'plan_professional_annual',
      promotionCode: 'LAUNCH20',
      successUrl: `${location.origin}/thanks`,
      cancelUrl: `${location.origin}/pricing`,
    });
    expect(post!.url).to.equal(`${stack.apiUrl}/payment/checkout`);
    expect(post!.headers.get('Authorization')).to.equal(`Bearer ${token}`);
    expect(post!.headers.get('Content-Type')).to.equal('application/json');
    expect(post!.headers.get('Idempotency-Key')).to.match(/^[0-9a-f]{32}$/);
    expect(post!.credentials).to.equal('omit');
  });

  it('fires checkout-start, then a cancelable checkout-redirect with the session', async () => {
    const token = await tokenFor(newUserId());
    const element = await fixture<CheckoutButton>(
      html`<checkout-button
        plan="PRO"
        billing="annual"
        api=${stack.apiUrl}
        token=${token}
      ></checkout-button>`,
    );
    const events: string[] = [];
    const record = (event: Event) => events.push(event.type);
    document.addEventListener('checkout-start', record);
    document.addEventListener('checkout-redirect', record);

    const start = nextEvent(document, 'checkout-start');
    const redirect = nextEvent(document, 'checkout-redirect', { preventDefault: true });
    button(element).click();
    const [started, redirected] = await Promise.all([start, redirect]);
    document.removeEventListener('checkout-start', record);
    document.removeEventListener('checkout-redirect', record);

    expect(events).to.deep.equal(['checkout-start', 'checkout-redirect']);
    expect(started.detail).to.deep.equal({
      plan: 'PRO',
      billing: 'annual',
      planId: 'plan_professional_annual',
      promotionCode: undefined,
    });
    expect(redirected.cancelable).to.equal(true);
    expect(redirected.composed).to.equal(true);
    expect(redirected.detail.sessionId).to.match(/^cs_test_/);
    expect(redirected.detail.url.startsWith(stack.localStripeUrl)).to.equal(true);
  });

  it('lets the page cancel the redirect and stays where it is', async () => {
    const token = await tokenFor(newUserId());
    const element = await fixture<CheckoutButton>(
      html`<checkout-button plan="BASIC" api=${stack.apiUrl} token=${token}></checkout-button>`,
    );
    const here = location.href;

    const redirect = nextEvent(element, 'checkout-redirect', { preventDefault: true });
    button(element).click();
    const event = await redirect;
    await element.updateComplete;

    expect(event.defaultPrevented).to.equal(true);
    expect(location.href).to.equal(here);
    expect(button(element).getAttribute('aria-busy')).to.equal('false');
  });

  it('gives a second click after a success the same session, not a new one', async () => {
    const token = await tokenFor(newUserId());
    const element = await fixture<CheckoutButton>(
      html`<checkout-button plan="BASIC" api=${stack.apiUrl} token=${token}></checkout-button>`,
    );
    watcher = watchRequests();
    const first = nextEvent(element, 'checkout-redirect', { preventDefault: true });
    button(element).click();
    const { detail: created } = await first;
    await element.updateComplete;

    const second = nextEvent(element, 'checkout-redirect', { preventDefault: true });
    button(element).click();

    expect((await second).detail).to.deep.equal(created);
    const [firstPost, secondPost] = checkoutPosts();
    expect(secondPost!.headers.get('Idempotency-Key')).to.equal(
      firstPost!.headers.get('Idempotency-Key'),
    );
  });

  it('makes one session from a double click', async () => {
    const token = await tokenFor(newUserId());
    const element = await fixture<CheckoutButton>(
      html`<checkout-button plan="PRO" api=${stack.apiUrl} token=${token}></checkout-button>`,
    );
    await pricesShown(element);
    const starts: unknown[] = [];
    element.addEventListener('checkout-start', (event) => starts.push(event.detail));
    watcher = watchRequests();

    const redirect = nextEvent(element, 'checkout-redirect', { preventDefault: true });
    button(element).click();
    button(element).click();
    await redirect;

    expect(checkoutPosts()).to.have.lengthOf(1);
    expect(starts).to.have.lengthOf(1);
  });

  it('shows a busy button with a spinner, and ignores clicks, while the session is created', async () => {
    const { url } = await silentServer();
    const element = await fixture<CheckoutButton>(
      html`<checkout-button plan="PRO" promo api=${url}></checkout-button>`,
    );
    const errors: unknown[] = [];
    element.addEventListener('checkout-error', (event) => errors.push(event.detail));

    button(element).click();
    await element.updateComplete;
    button(element).click();
    await element.updateComplete;

    expect(button(element).getAttribute('aria-busy')).to.equal('true');
    expect(button(element).getAttribute('aria-disabled')).to.equal('true');
    expect(partOrNull(element, 'spinner')).to.not.equal(null);
    expect(input(element).readOnly).to.equal(true);
    element.remove();
    expect(errors).to.have.lengthOf(0);
  });

  it('asks the buyer to sign in when the server answers 401, having sent cookies instead of a token', async () => {
    const element = await fixture<CheckoutButton>(
      html`<checkout-button plan="PRO" api=${stack.apiUrl}></checkout-button>`,
    );
    watcher = watchRequests();

    const failure = nextEvent(document, 'checkout-error');
    button(element).click();
    const { detail } = await failure;
    await element.updateComplete;

    expect(detail).to.deep.equal({
      status: 401,
      code: 'authentication-required',
      message: 'Please sign in first.',
    });
    expect(text(errorMessage(element))).to.equal('Please sign in first.');
    const [post] = checkoutPosts();
    expect(post!.credentials).to.equal('include');
    expect(post!.headers.has('Authorization')).to.equal(false);
  });

  it("signs the buyer in with the site's cookie when it has no token", async () => {
    const token = await tokenFor(newUserId());
    // The test page's origin proxies the API, as a site serving Tilldrop under its own domain.
    document.cookie = `access_token=${token}; path=/; SameSite=Strict`;
    try {
      const element = await fixture<CheckoutButton>(
        html`<checkout-button plan="PRO" api=${location.origin}></checkout-button>`,
      );

      const redirect = nextEvent(element, 'checkout-redirect', { preventDefault: true });
      button(element).click();

      expect((await redirect).detail.sessionId).to.match(/^cs_test_/);
    } finally {
      document.cookie = 'access_token=; path=/; max-age=0';
    }
  });

  it('tells a lifetime buyer why a subscription is refused, and offers to manage their account', async () => {
    const userId = newUserId();
    await purchase(userId, 'one-time');
    const element = await fixture<CheckoutButton>(html`
      <checkout-button
        plan="PRO"
        billing="annual"
        api=${stack.apiUrl}
        token=${await tokenFor(userId)}
      ></checkout-button>
    `);
    await pricesShown(element);

    const failure = nextEvent(element, 'checkout-error');
    button(element).click();
    const { detail } = await failure;
    await element.updateComplete;

    expect(detail).to.deep.equal({
      status: 409,
      code: 'already-subscribed',
      message: 'You already have lifetime access',
    });
    expect(text(errorMessage(element))).to.equal(
      'You already have lifetime access Manage subscription',
    );
    const manage = nextEvent(element, 'checkout-manage', { preventDefault: true });
    part(element, 'manage').click();
    expect((await manage).cancelable).to.equal(true);
  });

  it('explains a code the server refuses at checkout, and marks the input', async () => {
    const token = await tokenFor(newUserId());
    const element = await fixture<CheckoutButton>(html`
      <checkout-button plan="PRO" promo api=${stack.apiUrl} token=${token}></checkout-button>
    `);
    await pricesShown(element);
    watcher = watchRequests();

    // Clicked before the code's own check has answered, so only the checkout can refuse it.
    type(element, 'EXPIRED10');
    await element.updateComplete;
    const failure = nextEvent(element, 'checkout-error');
    button(element).click();
    const { detail } = await failure;
    await element.updateComplete;

    expect(detail).to.deep.equal({
      status: 400,
      code: 'promotion-code-refused',
      message: 'Promotion code EXPIRED10 has expired',
    });
    expect(JSON.parse(checkoutPosts()[0]!.body!).promotionCode).to.equal('EXPIRED10');
    expect(text(errorMessage(element))).to.equal('Promotion code EXPIRED10 has expired');
    expect(input(element).getAttribute('aria-invalid')).to.equal('true');
  });

  it('does not send a code the server has already refused', async () => {
    const token = await tokenFor(newUserId());
    const element = await fixture<CheckoutButton>(html`
      <checkout-button plan="PRO" promo api=${stack.apiUrl} token=${token}></checkout-button>
    `);
    const verdict = nextEvent(element, 'checkout-promo');
    type(element, 'EXPIRED10');
    await verdict;
    await element.updateComplete;
    watcher = watchRequests();

    const failure = nextEvent(element, 'checkout-error');
    button(element).click();

    expect((await failure).detail).to.deep.equal({
      status: 0,
      code: 'promotion-code-refused',
      message: 'Promotion code EXPIRED10 has expired',
    });
    expect(checkoutPosts()).to.have.lengthOf(0);
  });

  it('does not send a code too short to be one', async () => {
    const token = await tokenFor(newUserId());
    const element = await fixture<CheckoutButton>(html`
      <checkout-button plan="PRO" promo api=${stack.apiUrl} token=${token}></checkout-button>
    `);
    type(element, 'AB');
    watcher = watchRequests();

    const failure = nextEvent(element, 'checkout-error');
    button(element).click();

    expect((await failure).detail.message).to.equal(PROMOTION_CODE_RULE);
    expect(checkoutPosts()).to.have.lengthOf(0);
  });

  it('refuses a plan the server does not sell before any request, with no HTTP status', async () => {
    const token = await tokenFor(newUserId());
    const element = await fixture<CheckoutButton>(
      html`<checkout-button plan="GOLD" api=${stack.apiUrl} token=${token}></checkout-button>`,
    );
    watcher = watchRequests();

    const failure = nextEvent(element, 'checkout-error');
    button(element).click();

    expect((await failure).detail).to.deep.equal({
      status: 0,
      code: 'not-found',
      message: 'This plan is not available.',
    });
    expect(checkoutPosts()).to.have.lengthOf(0);
  });

  it('explains a network failure, and a retry of the same purchase reuses its Idempotency-Key', async () => {
    const doomed = await startStack();
    const element = await fixture<CheckoutButton>(html`
      <checkout-button
        plan="PRO"
        api=${doomed.apiUrl}
        token=${await tokenFor(newUserId(), doomed.id)}
      ></checkout-button>
    `);
    await pricesShown(element);
    await stopStack(doomed.id);
    watcher = watchRequests();

    const first = nextEvent(element, 'checkout-error');
    button(element).click();
    const { detail } = await first;
    const second = nextEvent(element, 'checkout-error');
    button(element).click();
    await second;
    await element.updateComplete;

    expect(detail).to.deep.equal({
      status: 0,
      code: 'network',
      message: 'Could not connect. Please try again.',
    });
    const [firstPost, secondPost] = checkoutPosts();
    expect(firstPost!.headers.get('Idempotency-Key')).to.equal(
      secondPost!.headers.get('Idempotency-Key'),
    );
    expect(button(element).getAttribute('aria-busy')).to.equal('false');
  });

  it('explains a server failure in plain words and stays usable for another try', async () => {
    const token = await tokenFor(newUserId());
    const element = await fixture<CheckoutButton>(
      html`<checkout-button plan="PRO" api=${stack.apiUrl} token=${token}></checkout-button>`,
    );
    await pricesShown(element);
    await injectStripeFaults({ count: 20, kind: 'error500', path: '/v1/checkout/sessions' });
    watcher = watchRequests();

    let detail;
    try {
      const failure = nextEvent(element, 'checkout-error');
      button(element).click();
      ({ detail } = await failure);
    } finally {
      await injectStripeFaults({ count: 0, kind: 'error500', path: '/v1/checkout/sessions' });
    }
    await element.updateComplete;
    const redirect = nextEvent(element, 'checkout-redirect', { preventDefault: true });
    button(element).click();
    await redirect;

    expect(detail).to.deep.equal({
      status: 500,
      code: 'server-error',
      message: 'Something went wrong. Please try again.',
    });
    const [failed, retried] = checkoutPosts();
    // The server answered, so the retry is a new purchase attempt with a key of its own.
    expect(failed!.headers.get('Idempotency-Key')).to.not.equal(
      retried!.headers.get('Idempotency-Key'),
    );
  });

  it('asks the buyer to wait when the server limits their attempts', async () => {
    const strict = await startStack({ RATE_LIMIT_PER_MINUTE: '1' });
    try {
      const element = await fixture<CheckoutButton>(html`
        <checkout-button
          plan="PRO"
          api=${strict.apiUrl}
          token=${await tokenFor(newUserId(), strict.id)}
        ></checkout-button>
      `);
      const redirect = nextEvent(element, 'checkout-redirect', { preventDefault: true });
      button(element).click();
      await redirect;

      const failure = nextEvent(element, 'checkout-error');
      button(element).click();

      expect((await failure).detail).to.deep.equal({
        status: 429,
        code: 'rate-limited',
        message: 'Too many attempts. Try again in a minute.',
      });
    } finally {
      await stopStack(strict.id);
    }
  });

  it('clears the error when the buyer tries again', async () => {
    const element = await fixture<CheckoutButton>(
      html`<checkout-button plan="PRO" api=${stack.apiUrl}></checkout-button>`,
    );
    const failure = nextEvent(element, 'checkout-error');
    button(element).click();
    await failure;
    await element.updateComplete;
    expect(text(errorMessage(element))).to.not.equal('');

    element.token = await tokenFor(newUserId());
    const redirect = nextEvent(element, 'checkout-redirect', { preventDefault: true });
    button(element).click();
    await element.updateComplete;

    expect(text(errorMessage(element))).to.equal('');
    await redirect;
    await waitUntil(() => button(element).getAttribute('aria-busy') === 'false');
  });
});
