import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { mkdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { after, afterEach, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type Stripe from 'stripe';
import { launchChromium } from './chromium.ts';
import { priceFor, startHarness, startHarnessWithReceiver, type Harness } from './support.ts';
import type { WebhookReceiver } from './webhook-receiver.ts';

const SHOTS = 'test-results/local-stripe';
const FRAME = 'iframe[name="embedded-checkout"]';

interface Merchant {
  /** On localhost, so another site than the local Stripe on 127.0.0.1. */
  url: string;
  /** Checkout Sessions created for the page, newest last. */
  sessions: string[];
  close(): Promise<void>;
}

/**
 * A merchant's site: a page that loads the Stripe.js stand-in and mounts embedded Checkout with a
 * `fetchClientSecret` that asks the merchant's server for a session, as Stripe's quickstart does.
 */
async function startMerchant(h: Harness, price: Stripe.Price): Promise<Merchant> {
  const sessions: string[] = [];
  let url = '';
  const page = () => `<!doctype html>
<html lang="en"><head><title>Shop</title></head>
<body>
  <h1>Shop</h1>
  <div id="checkout"></div>
  <script src="${h.local.stripeJsUrl}"></script>
  <script>
    window.completions = 0;
    window.start = async ({ key = ${JSON.stringify(h.local.publishableKey)}, redirect = 'if_required', secret } = {}) => {
      const checkout = await Stripe(key).createEmbeddedCheckoutPage({
        fetchClientSecret: async () => {
          if (secret) return secret;
          const response = await fetch('/session?redirect=' + redirect, { method: 'POST' });
          return (await response.json()).clientSecret;
        },
        onComplete: () => { window.completions += 1; },
      });
      window.checkout = checkout;
      checkout.mount('#checkout');
      return 'mounted';
    };
    window.failure = (promise) => promise.then(() => 'accepted', (e) => e.name + ': ' + e.message);
  </script>
</body></html>`;

  const server: Server = createServer((req, res) => {
    const requested = new URL(req.url ?? '/', url);
    if (req.method === 'POST' && requested.pathname === '/session') {
      const redirect = requested.searchParams.get('redirect') as 'always' | 'if_required' | 'never';
      void h.stripe.checkout.sessions
        .create({
          mode: 'subscription',
          line_items: [{ price: price.id, quantity: 1 }],
          ui_mode: 'embedded_page',
          redirect_on_completion: redirect,
          ...(redirect === 'never'
            ? {}
            : { return_url: `${url}/return?session_id={CHECKOUT_SESSION_ID}` }),
        })
        .then((session) => {
          sessions.push(session.id);
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ clientSecret: session.client_secret }));
        });
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(requested.pathname === '/return' ? '<title>Thanks</title><p>Thanks!</p>' : page());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://localhost:${(server.address() as AddressInfo).port}`;
  return {
    url,
    sessions,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function payWith4242(page: Page): Promise<void> {
  const frame = page.frameLocator(FRAME);
  await frame.getByLabel('Email').fill('embedded-buyer@example.com');
  await frame.getByLabel('Card number').fill('4242 4242 4242 4242');
  await frame.getByLabel('Expiration date').fill('12 / 34');
  await frame.getByLabel('Security code').fill('123');
  await frame.getByRole('button', { name: 'Subscribe' }).click();
}

describe('Stripe.js stand-in: embedded Checkout on another site, in Chromium', () => {
  let h: Harness;
  let hook: WebhookReceiver;
  let merchant: Merchant;
  let browser: Browser;
  let page: Page;

  before(async () => {
    await mkdir(SHOTS, { recursive: true });
    ({ h, hook } = await startHarnessWithReceiver());
    merchant = await startMerchant(h, await priceFor(h.stripe, 'plan_professional'));
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await merchant?.close();
    await h?.close();
  });

  const openShop = async () => {
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${merchant.url}/checkout`);
  };

  afterEach(() => page?.close());

  test('pays with 4242 in the frame: onComplete runs, the page stays, the session completes with its webhooks', async () => {
    await openShop();
    const shopUrl = page.url();

    const loaded = await page.evaluate('Stripe.version');
    await page.evaluate('start()');
    await page.frameLocator(FRAME).getByLabel('Email').waitFor();
    // Not full-page: Chromium lays a cross-site frame out anew, and wrongly, for those.
    await page.screenshot({ path: `${SHOTS}/embedded-checkout.png` });
    await payWith4242(page);
    await page.waitForFunction('window.completions === 1');
    await page.screenshot({ path: `${SHOTS}/embedded-checkout-complete.png` });
    const sessionId = merchant.sessions.at(-1)!;
    const session = await h.stripe.checkout.sessions.retrieve(sessionId);
    const completed = await hook.waitFor(
      'checkout.session.completed',
      (e) => (e.data.object as Stripe.Checkout.Session).id === sessionId,
    );
    const subscribed = await hook.waitFor(
      'customer.subscription.created',
      (e) => (e.data.object as Stripe.Subscription).id === session.subscription,
    );

    assert.equal(loaded, 'endive', 'what loadStripe checks before using window.Stripe');
    assert.equal(page.url(), shopUrl);
    assert.equal(session.status, 'complete');
    assert.equal(session.payment_status, 'paid');
    assert.equal((completed.data.object as Stripe.Checkout.Session).status, 'complete');
    assert.equal((subscribed.data.object as Stripe.Subscription).customer, session.customer);
  });

  test('with redirect_on_completion always, sends the page to the return_url with the session id', async () => {
    await openShop();

    await page.evaluate("start({ redirect: 'always' })");
    await payWith4242(page);
    await page.waitForURL(/\/return\?session_id=/);

    assert.equal(page.url(), `${merchant.url}/return?session_id=${merchant.sessions.at(-1)}`);
  });

  test("refuses another account's publishable key, a secret key, and another account's client secret", async () => {
    const other = await startHarness();
    const foreign = await other.stripe.checkout.sessions.create({
      mode: 'subscription',
      line_items: [{ price: (await priceFor(other.stripe, 'plan_basic')).id, quantity: 1 }],
      ui_mode: 'embedded_page',
      redirect_on_completion: 'never',
    });
    await other.close();
    await openShop();

    const wrongKey = await page.evaluate("failure(start({ key: 'pk_test_wrong' }))");
    const secretKey = await page.evaluate("failure((async () => Stripe('sk_test_local'))())");
    const foreignSecret = await page.evaluate(
      `failure(start({ secret: ${JSON.stringify(foreign.client_secret)} }))`,
    );
    const frames = await page.locator('iframe').count();

    assert.equal(wrongKey, 'IntegrationError: Invalid API Key provided: pk_test_*rong');
    assert.match(String(secretKey), /^IntegrationError: You should not use your secret key/);
    assert.equal(
      foreignSecret,
      'IntegrationError: The client_secret provided does not match the client_secret associated with the Checkout Session.',
    );
    assert.equal(frames, 0);
  });

  test('refuses a second embedded checkout while one lives, and takes a new one once destroyed', async () => {
    await openShop();

    await page.evaluate('start()');
    const second = await page.evaluate('failure(start())');
    await page.evaluate('checkout.destroy()');
    const afterDestroy = await page.evaluate('start()');
    const frames = await page.locator('iframe').count();

    assert.equal(second, 'IntegrationError: You cannot have multiple Embedded Checkout objects.');
    assert.equal(afterDestroy, 'mounted');
    assert.equal(frames, 1);
  });
});
