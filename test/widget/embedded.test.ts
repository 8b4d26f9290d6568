/// <reference types="mocha" />
// <checkout-button display="overlay|inline">: Stripe's embedded checkout in the page, through the
// built script (whose embedded module is fetched from beside it), on a page of another origin
// than the API and the local Stripe, paid in the local Stripe's frame.
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import type { CheckoutButton } from '../../widget/checkout-button.ts';
import type { CheckoutDialog } from '../../widget/checkout/dialog.ts';
import {
  mainStack,
  newUserId,
  pageUrls,
  payEmbedded,
  tokenFor,
  type StackInfo,
} from './support/commands.ts';
import {
  button,
  nextEvent,
  partOrNull,
  pricesShown,
  text,
  watchRequests,
} from './support/element.ts';

// The module build, as a page would include it: its embedded checkout is the file beside it.
const BUILT_MODULE = '/dist/checkout-button.js';
const STRICT_PAGE = '/test/widget/pages/strict-csp-embedded.html';

interface StrictPage extends Window {
  problems: string[];
}

const originOf = (url: string) => new URL(url).origin;
const overlay = () => document.querySelector<CheckoutDialog>('body > checkout-dialog');
const dialogOf = (host: CheckoutDialog | null) => host?.shadowRoot?.querySelector('dialog');
const frames = () => [...document.querySelectorAll('iframe')];
const requestedFrom = (origin: string) =>
  performance
    .getEntriesByType('resource')
    .map((entry) => entry.name)
    .filter((url) => url.startsWith(origin));

describe('<checkout-button> with Stripe’s embedded checkout', () => {
  let stack: StackInfo;

  /** A redirect to Stripe's page would take the test page away with it. */
  const keepThePage = (event: Event) => event.preventDefault();

  before(async () => {
    stack = await mainStack();
    // What a merchant's page is to the API and the local Stripe: another origin.
    expect(location.origin).not.to.be.oneOf([stack.apiUrl, stack.localStripeUrl].map(originOf));
    await import(/* @vite-ignore */ BUILT_MODULE);
    document.addEventListener('checkout-redirect', keepThePage);
  });

  after(() => document.removeEventListener('checkout-redirect', keepThePage));

  afterEach(async () => {
    // Each test starts with no checkout shown: closing the overlay destroys it.
    dialogOf(overlay())?.close();
    await waitUntil(() => frames().length === 0, 'a checkout was left on the page');
  });

  async function buttonFor(
    display: 'overlay' | 'inline',
    options: { userId?: string; plan?: string } = {},
  ): Promise<CheckoutButton> {
    const token = await tokenFor(options.userId ?? newUserId());
    const element = await fixture<CheckoutButton>(html`
      <div>
        <checkout-button
          plan=${options.plan ?? 'PRO'}
          billing="annual"
          display=${display}
          target="#pay"
          api=${stack.apiUrl}
          token=${token}
        ></checkout-button>
        <div id="pay"></div>
      </div>
    `).then((wrapper) => wrapper.querySelector('checkout-button')!);
    await pricesShown(element);
    return element;
  }

  it('asks nothing of Stripe, and fetches no embedded module, before the click', async () => {
    const element = await buttonFor('overlay');
    const beforeClick = [
      ...requestedFrom(stack.localStripeUrl),
      ...performance
        .getEntriesByType('resource')
        .filter((entry) => entry.name.includes('widget-checkout')),
    ];

    const opened = nextEvent(element, 'checkout-open');
    button(element).click();
    await opened;

    expect(beforeClick).to.deep.equal([]);
    expect(requestedFrom(stack.localStripeUrl).some((url) => url.endsWith('/stripe.js'))).to.equal(
      true,
    );
  });

  it('fetches the checkout module built with the script, by the name the script imports', async () => {
    const script = await (await fetch(BUILT_MODULE)).text();
    const [built] = script.match(/widget-checkout\.[0-9a-f]{16}\.mjs/) ?? [];
    const element = await buttonFor('overlay');

    const opened = nextEvent(element, 'checkout-open');
    button(element).click();
    await opened;
    const fetched = performance
      .getEntriesByType('resource')
      .map((entry) => new URL(entry.name).pathname)
      .filter((path) => path.includes('widget-checkout'));

    expect(built).to.be.a('string');
    expect(fetched).to.deep.equal([`/dist/${built}`]);
  });

  it('sells PRO in an overlay: the page stays, and checkout-complete comes once the server has it', async () => {
    const userId = newUserId();
    const element = await buttonFor('overlay', { userId });
    const pageUrl = location.href;
    const opened = nextEvent(element, 'checkout-open');
    const completed = nextEvent(element, 'checkout-complete');

    button(element).click();
    const { detail: open } = await opened;
    const dialog = dialogOf(overlay());
    const iframe = overlay()!.querySelector('iframe');
    await payEmbedded();
    const { detail } = await completed;
    const account = await fetch(`${stack.apiUrl}/api/subscription`, {
      headers: { Authorization: `Bearer ${await tokenFor(userId)}` },
    }).then((response) => response.json());

    expect(open.display).to.equal('overlay');
    expect(dialog?.open).to.equal(true);
    expect(iframe?.src).to.include(`/c/embedded/${open.sessionId}`);
    expect(detail.sessionId).to.equal(open.sessionId);
    expect(detail.entitlement).to.include({ plan: 'PRO', billing: 'annual' });
    expect(account.entitlement).to.include({ plan: 'PRO', billing: 'annual' });
    expect(location.href).to.equal(pageUrl);
  });

  it('asks for the prices once: a click reads the answer the button already has', async () => {
    const element = await buttonFor('overlay');
    const watcher = watchRequests();
    const opened = nextEvent(element, 'checkout-open');
    button(element).click();
    await opened;
    watcher.stop();
    const asked = watcher.requests.map(({ url }) => new URL(url).pathname);

    expect(asked).to.include('/payment/checkout');
    expect(asked).not.to.include('/api/plans');
  });

  it('after a purchase, shows every button on the page what the buyer now holds', async () => {
    const userId = newUserId();
    const element = await buttonFor('overlay', { userId });
    const basic = await buttonFor('overlay', { userId, plan: 'BASIC' });
    const completed = nextEvent(element, 'checkout-complete');
    button(element).click();
    await nextEvent(element, 'checkout-open');
    await payEmbedded();
    await completed;
    await waitUntil(() => text(button(element)) === 'Manage subscription', text(button(element)));
    await waitUntil(() => text(button(basic)).startsWith('Switch to BASIC'), text(button(basic)));

    expect(partOrNull(element, 'current')?.textContent).to.equal('Current plan');
  });

  it('sells PRO inline, in the page element that target names, with no overlay', async () => {
    const element = await buttonFor('inline');
    const opened = nextEvent(element, 'checkout-open');
    const completed = nextEvent(element, 'checkout-complete');

    button(element).click();
    const { detail: open } = await opened;
    const place = document.querySelector('#pay')!;
    const inPlace = place.querySelectorAll('iframe').length;
    await payEmbedded();
    const { detail } = await completed;

    expect(open.display).to.equal('inline');
    expect(inPlace).to.equal(1);
    expect(dialogOf(overlay())?.open ?? false).to.equal(false);
    expect(detail.entitlement).to.include({ plan: 'PRO' });
    place.replaceChildren();
  });

  it('keeps one checkout per page: a second button’s checkout replaces the first', async () => {
    const inline = await buttonFor('inline');
    const first = nextEvent(inline, 'checkout-open');
    button(inline).click();
    await first;
    const other = await buttonFor('overlay', { plan: 'BASIC' });
    const second = nextEvent(other, 'checkout-open');
    let closed = false;
    inline.addEventListener('checkout-close', () => (closed = true));

    button(other).click();
    await second;

    expect(frames()).to.have.length(1);
    expect(overlay()!.contains(frames()[0]!)).to.equal(true);
    expect(closed, 'only the buyer closes a checkout').to.equal(false);
  });

  it('closes with the close button, gives focus back, and opens the same session again', async () => {
    const element = await buttonFor('overlay');
    const opened = nextEvent(element, 'checkout-open');
    // As a buyer presses it: a script's click() would leave the focus where it was.
    button(element).focus();
    await sendKeys({ press: 'Enter' });
    const { detail: first } = await opened;
    const closed = nextEvent(element, 'checkout-close');

    overlay()!.shadowRoot!.querySelector<HTMLButtonElement>('[part~="close"]')!.click();
    const { detail } = await closed;
    const focused = element.shadowRoot!.activeElement;
    const framesAfterClose = frames().length;
    const reopened = nextEvent(element, 'checkout-open');
    button(element).click();
    const { detail: again } = await reopened;

    expect(detail.sessionId).to.equal(first.sessionId);
    expect(framesAfterClose).to.equal(0);
    expect(focused === button(element), 'the focus is back on the button').to.equal(true);
    expect(again.sessionId).to.equal(first.sessionId);
  });

  it('moves focus into the dialog, makes the page inert, and closes on Escape', async () => {
    const element = await buttonFor('overlay');
    const opened = nextEvent(element, 'checkout-open');
    button(element).click();
    await opened;
    const host = overlay()!;
    const focusedInside = host.shadowRoot!.activeElement;
    // A modal dialog makes the rest of the page inert: its button can no longer take the focus.
    button(element).focus();
    const pageIsInert = element.shadowRoot!.activeElement === null;
    const closed = nextEvent(element, 'checkout-close');

    await sendKeys({ press: 'Escape' });
    await closed;

    expect(focusedInside?.getAttribute('part')).to.equal('close');
    expect(focusedInside?.getAttribute('aria-label')).to.equal('Close checkout');
    expect(pageIsInert).to.equal(true);
    expect(dialogOf(host)?.open).to.equal(false);
  });

  it('passes an accessibility audit with the dialog open, labelled by what the button sells', async () => {
    const element = await buttonFor('overlay');
    element.label = 'Pay here';
    await element.updateComplete;
    const opened = nextEvent(element, 'checkout-open');
    button(element).click();
    await opened;
    const dialog = dialogOf(overlay())!;
    const title = overlay()!.shadowRoot!.getElementById(dialog.getAttribute('aria-labelledby')!);

    expect(title?.textContent).to.equal('Subscribe to PRO, $190/year');
    await expect(overlay()).to.be.accessible();
  });

  it('reads the button’s theme: its custom properties reach the overlay', async () => {
    const element = await buttonFor('overlay');
    element.style.setProperty('--checkout-dialog-background', 'rgb(1, 2, 3)');
    const opened = nextEvent(element, 'checkout-open');
    button(element).click();
    await opened;

    expect(getComputedStyle(dialogOf(overlay())!).backgroundColor).to.equal('rgb(1, 2, 3)');
  });

  it('goes to Stripe’s page instead when the target names no element, without an error', async () => {
    const element = await buttonFor('inline');
    element.target = '#nowhere';
    const redirect = nextEvent(element, 'checkout-redirect', { preventDefault: true });
    let failed = false;
    element.addEventListener('checkout-error', () => (failed = true));

    button(element).click();
    const { detail } = await redirect;

    expect(detail.url).to.match(/\/c\/pay\/cs_test_/);
    expect(failed).to.equal(false);
    expect(partOrNull(element, 'message')?.textContent?.trim() ?? '').to.equal('');
  });
});

// The strictest policy a site could pick (default-src 'self') blocks Stripe's script: the buyer
// is sent to Stripe's page as if the button had asked for nothing else.
describe('<checkout-button display="overlay"> on a page whose policy blocks Stripe', () => {
  let localStripeUrl: string;
  let page: StrictPage | undefined;

  before(async () => {
    ({ localStripeUrl } = await mainStack());
  });

  afterEach(() => page?.close());

  it('falls back to the redirect to Stripe’s hosted page', async () => {
    const opened = window.open(STRICT_PAGE, '_blank') as StrictPage | null;
    if (!opened) throw new Error('the browser refused to open the strict page');
    page = opened;
    await waitUntil(
      () => opened.location.pathname === STRICT_PAGE && opened.document.readyState === 'complete',
      'the strict page never loaded',
    );
    const element = opened.document.querySelector('checkout-button')!;
    await waitUntil(() => element.shadowRoot && partOrNull(element, 'price'), 'no price shown');
    element.token = await tokenFor(newUserId());
    let failed = false;
    element.addEventListener('checkout-error', () => (failed = true));

    button(element).click();

    await waitUntil(
      async () => (await pageUrls()).some((url) => url.startsWith(`${localStripeUrl}/c/pay/`)),
      'the buyer never reached Stripe’s hosted page',
      { timeout: 8000 },
    );
    expect(failed).to.equal(false);
  });
});
