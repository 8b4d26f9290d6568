import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import Stripe from 'stripe';
import { compareShape } from './fidelity/compare-shape.ts';
import { loadShapes } from './fidelity/sdk-types.ts';
import { priceFor, startHarness, startHarnessWithReceiver, type Harness } from './support.ts';
import type { WebhookReceiver } from './webhook-receiver.ts';

const RETURN_URL = 'https://shop.example/return?session_id={CHECKOUT_SESSION_ID}';
const MERCHANT = 'https://shop.example';
const SECRET_MISMATCH =
  'The client_secret provided does not match the client_secret associated with the Checkout Session.';

/** The parts of a refusal a caller can act on, as the SDK hands them over. */
async function refusal(request: Promise<unknown>) {
  const error = await request.then(
    () => assert.fail('Stripe accepted it'),
    (thrown: unknown) => thrown,
  );
  assert.ok(error instanceof Stripe.errors.StripeInvalidRequestError, String(error));
  return { status: error.statusCode, code: error.code, param: error.param, message: error.message };
}

describe('local Stripe: embedded Checkout Sessions', () => {
  let h: Harness;
  let hook: WebhookReceiver;
  let price: Stripe.Price;
  before(async () => {
    ({ h, hook } = await startHarnessWithReceiver());
    price = await priceFor(h.stripe, 'plan_professional');
  });
  after(() => h.close());

  const embedded = (extra: Partial<Stripe.Checkout.SessionCreateParams> = {}) =>
    h.stripe.checkout.sessions.create({
      mode: 'subscription',
      line_items: [{ price: price.id, quantity: 1 }],
      ui_mode: 'embedded_page',
      return_url: RETURN_URL,
      ...extra,
    });

  const open = (fields: Record<string, string>) =>
    fetch(`${h.local.url}/embedded-checkout/open`, {
      method: 'POST',
      headers: { origin: MERCHANT },
      body: new URLSearchParams(fields),
    });

  const frameUrl = (id: string) =>
    `${h.local.url}/c/embedded/${id}?origin=${encodeURIComponent(MERCHANT)}`;

  const payThrough = (url: string) =>
    fetch(url, {
      method: 'POST',
      body: new URLSearchParams({
        email: `buyer-${Math.random()}@example.com`,
        cardNumber: '4242 4242 4242 4242',
        cardExpiry: '12 / 34',
        cardCvc: '123',
      }),
      redirect: 'manual',
    });

  /** The types of the events about one customer, in the order they were sent. */
  async function eventTypesOf(sessionId: string): Promise<string[]> {
    const completed = await hook.waitFor(
      'checkout.session.completed',
      (e) => (e.data.object as Stripe.Checkout.Session).id === sessionId,
    );
    const customer = (completed.data.object as Stripe.Checkout.Session).customer;
    return hook.events
      .filter((e) => {
        const object = e.data.object as { id?: string; customer?: unknown };
        return object.id === customer || object.customer === customer;
      })
      .map((e) => e.type);
  }

  it('creates an embedded_page session with its own client secret, no url and the return settings', async () => {
    const session = await embedded({ redirect_on_completion: 'if_required' });
    const retrieved = await h.stripe.checkout.sessions.retrieve(session.id);

    assert.equal(session.ui_mode, 'embedded_page');
    assert.match(session.client_secret ?? '', new RegExp(`^${session.id}_secret_[A-Za-z0-9]{32}$`));
    assert.equal(session.url, null);
    assert.equal(session.success_url, null);
    assert.equal(session.return_url, RETURN_URL);
    assert.equal(session.redirect_on_completion, 'if_required');
    assert.equal(retrieved.client_secret, session.client_secret);
  });

  it("has the shape of Stripe's own session, open and complete", async () => {
    const fixtures = new URL('./fidelity/stripe-openapi/fixtures3.json', import.meta.url);
    const samples = (JSON.parse(readFileSync(fixtures, 'utf8')) as { resources: object }).resources;
    const context = { samples: samples as Record<string, unknown>, shapes: loadShapes() };
    const session = await embedded();
    await h.control.completeSession(session.id);
    const completed = await h.stripe.checkout.sessions.retrieve(session.id);

    assert.deepEqual(compareShape(session, context), []);
    assert.deepEqual(compareShape(completed, context), []);
  });

  it('redirects on completion unless told otherwise, and keeps client_secret null on hosted sessions', async () => {
    const session = await embedded();
    const hosted = await h.stripe.checkout.sessions.create({
      mode: 'subscription',
      line_items: [{ price: price.id, quantity: 1 }],
      success_url: 'https://shop.example/ok',
    });

    assert.equal(session.redirect_on_completion, 'always');
    assert.equal(hosted.client_secret, null);
    assert.equal(hosted.ui_mode, 'hosted_page');
    assert.equal('return_url' in hosted, false);
  });

  it('refuses success_url and cancel_url on an embedded session, naming both', async () => {
    const refused = await refusal(
      embedded({ success_url: 'https://shop.example/ok', cancel_url: 'https://shop.example/no' }),
    );

    assert.equal(refused.status, 400);
    assert.equal(
      refused.message,
      "The following parameters are not supported with 'ui_mode: embedded_page': cancel_url, success_url.",
    );
    assert.equal(refused.param, 'cancel_url');
  });

  it('refuses an embedded session without return_url unless nothing redirects', async () => {
    const always = await refusal(embedded({ return_url: undefined }));
    const ifRequired = await refusal(
      embedded({ return_url: undefined, redirect_on_completion: 'if_required' }),
    );
    const never = await embedded({ return_url: undefined, redirect_on_completion: 'never' });

    for (const refused of [always, ifRequired]) {
      assert.equal(refused.code, 'parameter_missing');
      assert.equal(refused.param, 'return_url');
      assert.equal(refused.message, 'Missing required param: return_url.');
    }
    assert.equal(never.redirect_on_completion, 'never');
    assert.equal('return_url' in never, false);
  });

  it('refuses return_url when redirect_on_completion is never, and a return_url that is no URL', async () => {
    const never = await refusal(embedded({ redirect_on_completion: 'never' }));
    const notUrl = await refusal(embedded({ return_url: 'shop/return' }));

    assert.equal(never.param, 'return_url');
    assert.match(
      never.message,
      /`return_url` cannot be used when `redirect_on_completion` is `never`/,
    );
    assert.equal(notUrl.code, 'url_invalid');
    assert.equal(notUrl.param, 'return_url');
  });

  it('refuses return_url and redirect_on_completion on a hosted session, and the other ui_modes', async () => {
    const hosted = await refusal(
      h.stripe.checkout.sessions.create({
        mode: 'subscription',
        line_items: [{ price: price.id, quantity: 1 }],
        return_url: RETURN_URL,
        redirect_on_completion: 'always',
      }),
    );
    const elements = await refusal(embedded({ ui_mode: 'elements' }));

    assert.equal(
      hosted.message,
      "The following parameters are not supported with 'ui_mode: hosted_page': redirect_on_completion, return_url.",
    );
    assert.equal(elements.param, 'ui_mode');
  });

  it('opens an embedded session for Stripe.js from any site with the publishable key and client secret', async () => {
    const session = await embedded();

    const response = await open({
      key: h.local.publishableKey,
      client_secret: session.client_secret!,
    });

    assert.equal(response.status, 200);
    assert.equal(response.headers.get('access-control-allow-origin'), '*');
    assert.deepEqual(await response.json(), { session_id: session.id });
  });

  it("refuses to open a session with another account's publishable key", async () => {
    const session = await embedded();

    const response = await open({ key: 'pk_test_wrong', client_secret: session.client_secret! });

    assert.equal(response.status, 401);
    assert.deepEqual(await response.json(), {
      error: { type: 'authentication_error', message: 'Invalid API Key provided: pk_test_*rong' },
    });
  });

  it("refuses another account's client secret, a forged one, and a hosted session's id", async () => {
    const other = await startHarness();
    const foreign = await other.stripe.checkout.sessions.create({
      mode: 'subscription',
      line_items: [{ price: (await priceFor(other.stripe, 'plan_basic')).id, quantity: 1 }],
      ui_mode: 'embedded_page',
      redirect_on_completion: 'never',
    });
    await other.close();
    const ours = await embedded();
    const hosted = await h.stripe.checkout.sessions.create({
      mode: 'subscription',
      line_items: [{ price: price.id, quantity: 1 }],
    });
    const key = h.local.publishableKey;

    const answers = await Promise.all(
      [
        foreign.client_secret!,
        `${ours.id}_secret_${'x'.repeat(32)}`,
        `${hosted.id}_secret_${'x'.repeat(32)}`,
      ].map(async (secret) => {
        const response = await open({ key, client_secret: secret });
        return { status: response.status, body: await response.json() };
      }),
    );

    for (const answer of answers) {
      assert.equal(answer.status, 400);
      assert.deepEqual(answer.body, {
        error: { type: 'invalid_request_error', message: SECRET_MISMATCH },
      });
    }
  });

  it('lets any site frame the embedded page, and no site frame the hosted page', async () => {
    const session = await embedded();
    const hosted = await h.stripe.checkout.sessions.create({
      mode: 'subscription',
      line_items: [{ price: price.id, quantity: 1 }],
    });

    const framed = await fetch(frameUrl(session.id));
    const page = await fetch(hosted.url!);
    const body = await framed.text();

    assert.equal(framed.status, 200);
    assert.equal(framed.headers.get('x-frame-options'), null);
    assert.match(framed.headers.get('content-security-policy')!, /frame-ancestors http: https:/);
    assert.match(framed.headers.get('content-security-policy')!, /script-src 'nonce-/);
    assert.match(body, /data-parent-origin="https:\/\/shop\.example"/);
    assert.equal(page.headers.get('x-frame-options'), 'DENY');
    assert.match(page.headers.get('content-security-policy')!, /frame-ancestors 'none'/);
    assert.doesNotMatch(page.headers.get('content-security-policy')!, /script-src/);
  });

  it('shows an embedded session only in its frame and a hosted session only on its own page', async () => {
    const session = await embedded();
    const hosted = await h.stripe.checkout.sessions.create({
      mode: 'subscription',
      line_items: [{ price: price.id, quantity: 1 }],
    });

    const embeddedOnHostedPage = await fetch(`${h.local.url}/c/pay/${session.id}`);
    const hostedInFrame = await fetch(frameUrl(hosted.id));

    assert.equal(embeddedOnHostedPage.status, 404);
    assert.equal(hostedInFrame.status, 404);
  });

  it('pays in the frame with a test card and sends the events and webhooks the hosted page sends', async () => {
    const session = await embedded();
    const hosted = await h.stripe.checkout.sessions.create({
      mode: 'subscription',
      line_items: [{ price: price.id, quantity: 1 }],
      success_url: 'https://shop.example/ok',
    });

    const paid = await payThrough(frameUrl(session.id));
    const after = await fetch(`${h.local.url}${paid.headers.get('location')}`);
    const page = await after.text();
    await payThrough(hosted.url!);
    const completed = await h.stripe.checkout.sessions.retrieve(session.id);

    assert.equal(paid.status, 303);
    assert.equal(
      paid.headers.get('location'),
      `/c/embedded/${session.id}?origin=${encodeURIComponent(MERCHANT)}`,
    );
    assert.match(
      page,
      new RegExp(
        `id="complete" data-redirect-url="https://shop.example/return\\?session_id=${session.id}"`,
      ),
    );
    assert.equal(completed.status, 'complete');
    assert.equal(completed.payment_status, 'paid');
    assert.equal(typeof completed.subscription, 'string');
    assert.deepEqual(await eventTypesOf(session.id), await eventTypesOf(hosted.id));
  });

  it('tells the frame to stay when redirect_on_completion is not always', async () => {
    const session = await embedded({ return_url: undefined, redirect_on_completion: 'never' });

    await payThrough(frameUrl(session.id));
    const page = await (await fetch(frameUrl(session.id))).text();

    assert.match(page, /id="complete" data-redirect-url=""/);
  });

  it('serves the Stripe.js stand-in where loadStripe looks for it and at /v3/', async () => {
    const [current, classic] = await Promise.all([
      fetch(h.local.stripeJsUrl),
      fetch(`${h.local.url}/v3/`),
    ]);
    const script = await current.text();

    assert.equal(h.local.stripeJsUrl, `${h.local.url}/endive/stripe.js`);
    assert.equal(current.status, 200);
    assert.equal(current.headers.get('content-type'), 'text/javascript; charset=utf-8');
    assert.match(script, /createEmbeddedCheckoutPage/);
    assert.equal(await classic.text(), script);
  });
});
