import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import Koa from 'koa';
import type { Browser, Page } from 'playwright-core';
import { createCheckoutPageRouter } from '../src/pages/checkout-page.ts';
import { createPortalPageRouter } from '../src/pages/portal-page.ts';
import type {
  CardInput,
  CheckoutFlow,
  CheckoutPageView,
  PayResult,
  PortalFlow,
  PortalPageView,
  PromotionResult,
} from '../src/pages/flows.ts';
import { launchChromium } from './chromium.ts';

// In-memory stand-ins for the local Stripe's core: the pages under test only see these interfaces.

const PERCENT_OFF: Record<string, number> = { LAUNCH20: 20 };

function openSession(overrides: Partial<CheckoutPageView> = {}): CheckoutPageView {
  return {
    id: 'cs_test_a1',
    status: 'open',
    mode: 'subscription',
    currency: 'usd',
    lines: [
      {
        productName: 'Pro',
        description: 'Everything in Starter, plus priority support',
        unitAmount: 19000,
        quantity: 1,
        interval: 'year',
        intervalCount: 1,
      },
    ],
    amountSubtotal: 19000,
    amountDiscount: 0,
    amountTotal: 19000,
    discount: null,
    allowPromotionCodes: true,
    email: null,
    emailLocked: false,
    cancelUrl: 'https://shop.example/pricing',
    expiresAt: 1_900_000_000,
    livemode: false,
    ...overrides,
  };
}

/** The open session with LAUNCH20 applied: $38 off $190. */
function discountedSession(overrides: Partial<CheckoutPageView> = {}): CheckoutPageView {
  return openSession({
    discount: { code: 'LAUNCH20', label: '20% off' },
    amountDiscount: 3800,
    amountTotal: 15200,
    ...overrides,
  });
}

class FakeCheckoutFlow implements CheckoutFlow {
  readonly sessions = new Map<string, CheckoutPageView>();
  readonly payments: CardInput[] = [];
  readonly promotionCalls: string[] = [];
  successUrl = 'https://shop.example/thanks';
  expiresWhilePaying = false;

  constructor(...views: CheckoutPageView[]) {
    for (const view of views) this.sessions.set(view.id, view);
  }

  view(sessionId: string): CheckoutPageView | null {
    return this.sessions.get(sessionId) ?? null;
  }

  applyPromotionCode(sessionId: string, code: string): PromotionResult {
    this.promotionCalls.push(`apply ${code}`);
    const view = this.sessions.get(sessionId);
    const percent = PERCENT_OFF[code.toUpperCase()];
    if (!view || percent === undefined) return { ok: false, message: 'This code is invalid.' };
    const amountDiscount = Math.round((view.amountSubtotal * percent) / 100);
    const updated: CheckoutPageView = {
      ...view,
      discount: { code: code.toUpperCase(), label: `${percent}% off` },
      amountDiscount,
      amountTotal: view.amountSubtotal - amountDiscount,
    };
    this.sessions.set(sessionId, updated);
    return { ok: true, view: updated };
  }

  removePromotionCode(sessionId: string): PromotionResult {
    this.promotionCalls.push('remove');
    const view = this.sessions.get(sessionId);
    if (!view) return { ok: false, message: 'No such session.' };
    const updated = {
      ...view,
      discount: null,
      amountDiscount: 0,
      amountTotal: view.amountSubtotal,
    };
    this.sessions.set(sessionId, updated);
    return { ok: true, view: updated };
  }

  pay(sessionId: string, card: CardInput): PayResult {
    this.payments.push(card);
    if (this.expiresWhilePaying) {
      return { ok: false, code: 'expired_session', message: 'This session has expired.' };
    }
    if (card.number === '4000000000000002') {
      return { ok: false, code: 'card_declined', message: 'Your card was declined.' };
    }
    if (card.number === '4000000000009995') {
      return { ok: false, code: 'card_declined', message: 'Your card has insufficient funds.' };
    }
    const view = this.sessions.get(sessionId);
    if (view) this.sessions.set(sessionId, { ...view, status: 'complete' });
    return { ok: true, redirectUrl: `${this.successUrl}?session_id=${sessionId}` };
  }
}

const PERIOD_END = Date.UTC(2027, 10, 3) / 1000;

function portalSession(overrides: Partial<PortalPageView> = {}): PortalPageView {
  return {
    id: 'bps_test_1',
    customerEmail: 'ada@example.com',
    returnUrl: 'https://shop.example/account',
    subscriptions: [
      {
        id: 'sub_1',
        productName: 'Pro',
        unitAmount: 19000,
        currency: 'usd',
        interval: 'year',
        status: 'active',
        cancelAtPeriodEnd: false,
        currentPeriodEnd: PERIOD_END,
      },
    ],
    invoices: [
      {
        id: 'in_1',
        number: 'A1B2C3-0001',
        amountPaid: 15200,
        currency: 'usd',
        status: 'paid',
        created: Date.UTC(2026, 10, 3) / 1000,
      },
    ],
    ...overrides,
  };
}

class FakePortalFlow implements PortalFlow {
  readonly sessions = new Map<string, PortalPageView>();
  readonly calls: string[] = [];

  constructor(...views: PortalPageView[]) {
    for (const view of views) this.sessions.set(view.id, view);
  }

  view(portalSessionId: string): PortalPageView | null {
    return this.sessions.get(portalSessionId) ?? null;
  }

  cancelAtPeriodEnd(portalSessionId: string, subscriptionId: string) {
    this.calls.push(`cancel ${subscriptionId}`);
    return this.setCanceling(portalSessionId, subscriptionId, true);
  }

  resume(portalSessionId: string, subscriptionId: string) {
    this.calls.push(`resume ${subscriptionId}`);
    return this.setCanceling(portalSessionId, subscriptionId, false);
  }

  private setCanceling(portalSessionId: string, subscriptionId: string, cancel: boolean) {
    const view = this.sessions.get(portalSessionId);
    if (!view?.subscriptions.some((sub) => sub.id === subscriptionId)) {
      return { message: 'This subscription can no longer be changed.' };
    }
    const updated = {
      ...view,
      subscriptions: view.subscriptions.map((sub) =>
        sub.id === subscriptionId ? { ...sub, cancelAtPeriodEnd: cancel } : sub,
      ),
    };
    this.sessions.set(portalSessionId, updated);
    return updated;
  }
}

// A small app with nothing but the two page routers, on a real port.

interface Pages {
  base: string;
  checkout: FakeCheckoutFlow;
  portal: FakePortalFlow;
  close(): Promise<void>;
}

async function startPages(
  checkout: FakeCheckoutFlow,
  portal = new FakePortalFlow(),
): Promise<Pages> {
  const app = new Koa();
  app.use(createCheckoutPageRouter(checkout).routes());
  app.use(createPortalPageRouter(portal).routes());
  app.use((ctx) => {
    if (ctx.path === '/thanks') ctx.body = 'Thanks for subscribing';
  });
  const server: Server = await new Promise((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    checkout,
    portal,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

async function withPages(
  checkout: FakeCheckoutFlow,
  portal: FakePortalFlow,
  run: (pages: Pages) => Promise<void>,
): Promise<void> {
  const pages = await startPages(checkout, portal);
  try {
    await run(pages);
  } finally {
    await pages.close();
  }
}

function postForm(
  url: string,
  fields: Record<string, string>,
  headers: Record<string, string> = {},
) {
  return fetch(url, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(fields),
  });
}

/** The page's text as a reader sees it: tags dropped, entities decoded, spaces collapsed. */
function visibleText(markup: string): string {
  return markup
    .replace(/<style[\s\S]*?<\/style>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&#96;/g, '`')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
}

function alertText(markup: string): string[] {
  return [...markup.matchAll(/<p id="([\w-]+)" class="alert" role="alert">([\s\S]*?)<\/p>/g)].map(
    (match) => `${match[1]}: ${visibleText(match[2] ?? '').trim()}`,
  );
}

function inputTag(markup: string, id: string): string {
  const tag = new RegExp(`<input[^>]*\\bid="${id}"[^>]*>`).exec(markup);
  assert.ok(tag, `no input #${id}`);
  return tag[0].replace(/\s+/g, ' ');
}

const DECLINED_CARD = {
  email: 'ada@example.com',
  billingName: 'Ada Lovelace',
  cardNumber: '4000 0000 0000 0002',
  cardExpiry: '12 / 34',
  cardCvc: '123',
};

const GOOD_CARD = { ...DECLINED_CARD, cardNumber: '4242 4242 4242 4242' };

describe('hosted checkout page', () => {
  test('shows the product, its yearly price, the discount line and the total due today', async () => {
    const checkout = new FakeCheckoutFlow(discountedSession());
    await withPages(checkout, new FakePortalFlow(), async ({ base }) => {
      const response = await fetch(`${base}/c/pay/cs_test_a1`);
      const text = visibleText(await response.text());

      assert.equal(response.status, 200);
      assert.match(text, /Subscribe to Pro/);
      assert.match(text, /\$190\.00 per year/);
      assert.match(text, /Billed yearly/);
      assert.match(text, /Subtotal \$190\.00/);
      assert.match(text, /LAUNCH20 \(20% off\) −\$38\.00/);
      assert.match(text, /Total due today \$152\.00/);
      assert.match(text, /TEST MODE/);
    });
  });

  test('formats amounts in the session currency, zero-decimal ones included', async () => {
    const checkout = new FakeCheckoutFlow(
      openSession({
        id: 'cs_test_eur',
        currency: 'eur',
        mode: 'payment',
        lines: [
          {
            productName: 'Lifetime',
            description: null,
            unitAmount: 4900,
            quantity: 2,
            interval: null,
            intervalCount: 1,
          },
        ],
        amountSubtotal: 9800,
        amountTotal: 9800,
      }),
      openSession({ id: 'cs_test_jpy', currency: 'jpy', amountSubtotal: 1900, amountTotal: 1900 }),
    );
    await withPages(checkout, new FakePortalFlow(), async ({ base }) => {
      const eurMarkup = await (await fetch(`${base}/c/pay/cs_test_eur`)).text();
      const eur = visibleText(eurMarkup);
      const jpy = visibleText(await (await fetch(`${base}/c/pay/cs_test_jpy`)).text());

      assert.match(eur, /Lifetime Qty 2 €98\.00 €49\.00 each/);
      assert.match(eur, /Total due €98\.00/);
      assert.match(eurMarkup, /type="submit">\s*Pay\s*<\/button>/);
      assert.match(jpy, /Total due today ¥1,900/);
    });
  });

  test('escapes a hostile product name and description instead of running them', async () => {
    const hostile = '<script>alert(1)</script>"><img src=x onerror=alert(2)>';
    const checkout = new FakeCheckoutFlow(
      openSession({
        lines: [{ ...openSession().lines[0]!, productName: hostile, description: hostile }],
      }),
    );
    await withPages(checkout, new FakePortalFlow(), async ({ base }) => {
      const markup = await (await fetch(`${base}/c/pay/cs_test_a1`)).text();

      assert.doesNotMatch(markup, /<script/i);
      assert.doesNotMatch(markup, /<img/i);
      assert.match(markup, /&lt;script&gt;alert\(1\)&lt;\/script&gt;&quot;&gt;&lt;img/);
      assert.match(visibleText(markup), /Subscribe to <script>alert\(1\)<\/script>/);
    });
  });

  test('sends a nonce-only content security policy and refuses to be framed', async () => {
    const checkout = new FakeCheckoutFlow(openSession());
    await withPages(checkout, new FakePortalFlow(), async ({ base }) => {
      const response = await fetch(`${base}/c/pay/cs_test_a1`);
      const markup = await response.text();
      const csp = response.headers.get('content-security-policy') ?? '';
      const nonce = /style-src 'nonce-([^']+)'/.exec(csp)?.[1];

      assert.ok(nonce, csp);
      assert.match(markup, new RegExp(`<style nonce="${nonce.replace(/[+/]/g, '\\$&')}">`));
      assert.match(csp, /default-src 'none'/);
      assert.match(csp, /frame-ancestors 'none'/);
      assert.doesNotMatch(csp, /unsafe-inline/);
      assert.equal(response.headers.get('x-frame-options'), 'DENY');
      assert.equal(response.headers.get('referrer-policy'), 'no-referrer');
      assert.equal(response.headers.get('cache-control'), 'no-store');
      assert.doesNotMatch(markup, /<script|\sstyle=/);
    });
  });

  test('labels every card input and gives each its autocomplete token', async () => {
    const checkout = new FakeCheckoutFlow(openSession());
    await withPages(checkout, new FakePortalFlow(), async ({ base }) => {
      const markup = await (await fetch(`${base}/c/pay/cs_test_a1`)).text();

      const expected = {
        email: 'email',
        'card-number': 'cc-number',
        'card-expiry': 'cc-exp',
        'card-cvc': 'cc-csc',
        'billing-name': 'cc-name',
      };
      for (const [id, token] of Object.entries(expected)) {
        assert.match(inputTag(markup, id), new RegExp(`autocomplete="${token}"`));
        assert.match(markup, new RegExp(`<label[^>]*for="${id}"`), `label for #${id}`);
      }
    });
  });

  test('hands the digits of a spaced card number to the flow and redirects 303 to its URL', async () => {
    const checkout = new FakeCheckoutFlow(openSession());
    await withPages(checkout, new FakePortalFlow(), async ({ base }) => {
      const response = await postForm(`${base}/c/pay/cs_test_a1`, GOOD_CARD);

      assert.equal(response.status, 303);
      assert.equal(
        response.headers.get('location'),
        'https://shop.example/thanks?session_id=cs_test_a1',
      );
      assert.deepEqual(checkout.payments, [
        {
          email: 'ada@example.com',
          name: 'Ada Lovelace',
          number: '4242424242424242',
          expMonth: 12,
          expYear: 2034,
          cvc: '123',
        },
      ]);
    });
  });

  test('shows a declined card with 402 in an alert by the card field, keeping the email but not the number', async () => {
    const checkout = new FakeCheckoutFlow(openSession());
    await withPages(checkout, new FakePortalFlow(), async ({ base }) => {
      const response = await postForm(`${base}/c/pay/cs_test_a1`, DECLINED_CARD);
      const markup = await response.text();

      assert.equal(response.status, 402);
      assert.deepEqual(alertText(markup), ['card-error: Your card was declined.']);
      assert.match(inputTag(markup, 'email'), /value="ada@example\.com"/);
      assert.match(inputTag(markup, 'billing-name'), /value="Ada Lovelace"/);
      assert.match(inputTag(markup, 'card-number'), /aria-describedby="card-error"/);
      assert.doesNotMatch(markup, /4000 ?0000 ?0000 ?0002"/);
      assert.doesNotMatch(inputTag(markup, 'card-cvc'), /value=/);
    });
  });

  test('answers an incomplete expiry date with 400 without asking the flow to charge', async () => {
    const checkout = new FakeCheckoutFlow(openSession());
    await withPages(checkout, new FakePortalFlow(), async ({ base }) => {
      const response = await postForm(`${base}/c/pay/cs_test_a1`, {
        ...GOOD_CARD,
        cardExpiry: '1',
      });
      const markup = await response.text();

      assert.equal(response.status, 400);
      assert.deepEqual(alertText(markup), [
        "card-error: Your card's expiration date is incomplete.",
      ]);
      assert.match(inputTag(markup, 'card-expiry'), /aria-invalid="true"/);
      assert.deepEqual(checkout.payments, []);
    });
  });

  test('puts an invalid email message by the email field', async () => {
    const checkout = new FakeCheckoutFlow(openSession());
    await withPages(checkout, new FakePortalFlow(), async ({ base }) => {
      const response = await postForm(`${base}/c/pay/cs_test_a1`, { ...GOOD_CARD, email: 'ada@' });
      const markup = await response.text();

      assert.equal(response.status, 400);
      assert.deepEqual(alertText(markup), ['email-error: Your email address is invalid.']);
      assert.match(inputTag(markup, 'email'), /aria-invalid="true"/);
    });
  });

  test('pays with the session email when the email is locked, whatever the form says', async () => {
    const checkout = new FakeCheckoutFlow(
      openSession({ email: 'owner@example.com', emailLocked: true }),
    );
    await withPages(checkout, new FakePortalFlow(), async ({ base }) => {
      const page = await (await fetch(`${base}/c/pay/cs_test_a1`)).text();
      const response = await postForm(`${base}/c/pay/cs_test_a1`, {
        ...GOOD_CARD,
        email: 'someone-else@example.com',
      });

      assert.match(inputTag(page, 'email'), /value="owner@example\.com".*readonly/);
      assert.equal(response.status, 303);
      assert.equal(checkout.payments[0]?.email, 'owner@example.com');
    });
  });

  test('offers no promotion code box when the session does not allow codes', async () => {
    const checkout = new FakeCheckoutFlow(
      openSession({ id: 'cs_test_closed', allowPromotionCodes: false }),
      openSession({ id: 'cs_test_open', allowPromotionCodes: true }),
    );
    await withPages(checkout, new FakePortalFlow(), async ({ base }) => {
      const without = await (await fetch(`${base}/c/pay/cs_test_closed`)).text();
      const withBox = await (await fetch(`${base}/c/pay/cs_test_open`)).text();

      assert.doesNotMatch(without, /Add promotion code|\/promotion"/);
      assert.match(withBox, /<summary>Add promotion code<\/summary>/);
      assert.match(withBox, /action="\/c\/pay\/cs_test_open\/promotion"/);
    });
  });

  test('applies a promotion code, then redirects back to a page showing the discount', async () => {
    const checkout = new FakeCheckoutFlow(openSession());
    await withPages(checkout, new FakePortalFlow(), async ({ base }) => {
      const response = await postForm(`${base}/c/pay/cs_test_a1/promotion`, {
        code: 'launch20',
        action: 'apply',
      });
      const page = visibleText(await (await fetch(`${base}/c/pay/cs_test_a1`)).text());

      assert.equal(response.status, 303);
      assert.equal(response.headers.get('location'), '/c/pay/cs_test_a1');
      assert.deepEqual(checkout.promotionCalls, ['apply launch20']);
      assert.match(page, /LAUNCH20 \(20% off\) −\$38\.00/);
      assert.match(page, /Total due today \$152\.00/);
    });
  });

  test('keeps a refused promotion code in its box with the reason and a 400', async () => {
    const checkout = new FakeCheckoutFlow(openSession());
    await withPages(checkout, new FakePortalFlow(), async ({ base }) => {
      const response = await postForm(`${base}/c/pay/cs_test_a1/promotion`, {
        code: 'NOPE"<b>',
        action: 'apply',
      });
      const markup = await response.text();

      assert.equal(response.status, 400);
      assert.deepEqual(alertText(markup), ['promotion-error: This code is invalid.']);
      assert.match(inputTag(markup, 'promotion-code'), /value="NOPE&quot;&lt;b&gt;"/);
      assert.match(markup, /<details open>/);
    });
  });

  test('removes an applied promotion code from its chip', async () => {
    const checkout = new FakeCheckoutFlow(discountedSession());
    await withPages(checkout, new FakePortalFlow(), async ({ base }) => {
      const before = await (await fetch(`${base}/c/pay/cs_test_a1`)).text();
      const response = await postForm(`${base}/c/pay/cs_test_a1/promotion`, { action: 'remove' });
      const after = visibleText(await (await fetch(`${base}/c/pay/cs_test_a1`)).text());

      assert.match(before, /aria-label="Remove promotion code LAUNCH20"/);
      assert.equal(response.status, 303);
      assert.deepEqual(checkout.promotionCalls, ['remove']);
      assert.doesNotMatch(after, /LAUNCH20/);
      assert.match(after, /Total due today \$190\.00/);
    });
  });

  test('tells the buyer an expired session has expired and links back to the cancel URL', async () => {
    const checkout = new FakeCheckoutFlow(openSession({ status: 'expired' }));
    await withPages(checkout, new FakePortalFlow(), async ({ base }) => {
      const response = await fetch(`${base}/c/pay/cs_test_a1`);
      const markup = await response.text();
      const attempt = await postForm(`${base}/c/pay/cs_test_a1`, GOOD_CARD);

      assert.equal(response.status, 200);
      assert.match(visibleText(markup), /This checkout session has expired/);
      assert.match(markup, /href="https:\/\/shop\.example\/pricing"/);
      assert.doesNotMatch(markup, /cardNumber/);
      assert.equal(attempt.status, 409);
      assert.deepEqual(checkout.payments, []);
    });
  });

  test('shows the expired page with 409 when the session expires while the buyer pays', async () => {
    const checkout = new FakeCheckoutFlow(openSession());
    checkout.expiresWhilePaying = true;
    await withPages(checkout, new FakePortalFlow(), async ({ base }) => {
      const response = await postForm(`${base}/c/pay/cs_test_a1`, GOOD_CARD);

      assert.equal(response.status, 409);
      assert.match(visibleText(await response.text()), /This checkout session has expired/);
    });
  });

  test('tells the buyer a completed session is already paid', async () => {
    const checkout = new FakeCheckoutFlow(openSession());
    await withPages(checkout, new FakePortalFlow(), async ({ base }) => {
      await postForm(`${base}/c/pay/cs_test_a1`, GOOD_CARD);
      const response = await fetch(`${base}/c/pay/cs_test_a1`);

      assert.equal(response.status, 200);
      assert.match(visibleText(await response.text()), /already paid/);
    });
  });

  test('answers an unknown session id with a 404 page', async () => {
    const checkout = new FakeCheckoutFlow();
    await withPages(checkout, new FakePortalFlow(), async ({ base }) => {
      const response = await fetch(`${base}/c/pay/cs_test_missing`);

      assert.equal(response.status, 404);
      assert.match(response.headers.get('content-type') ?? '', /text\/html/);
      assert.match(visibleText(await response.text()), /Page not found/);
    });
  });

  test('never turns a javascript: cancel URL into a link', async () => {
    const checkout = new FakeCheckoutFlow(openSession({ cancelUrl: 'javascript:alert(1)' }));
    await withPages(checkout, new FakePortalFlow(), async ({ base }) => {
      const markup = await (await fetch(`${base}/c/pay/cs_test_a1`)).text();

      assert.doesNotMatch(markup, /javascript:/);
      assert.match(markup, /Subscribe to Pro/);
    });
  });

  test('refuses a payment form posted from another site', async () => {
    const checkout = new FakeCheckoutFlow(openSession());
    await withPages(checkout, new FakePortalFlow(), async ({ base }) => {
      const response = await postForm(`${base}/c/pay/cs_test_a1`, GOOD_CARD, {
        'sec-fetch-site': 'cross-site',
      });

      assert.equal(response.status, 403);
      assert.deepEqual(checkout.payments, []);
    });
  });

  test('refuses an oversized form body without charging', async () => {
    const checkout = new FakeCheckoutFlow(openSession());
    await withPages(checkout, new FakePortalFlow(), async ({ base }) => {
      const response = await postForm(`${base}/c/pay/cs_test_a1`, {
        ...GOOD_CARD,
        billingName: 'x'.repeat(64 * 1024),
      });

      assert.equal(response.status, 413);
      assert.deepEqual(checkout.payments, []);
    });
  });
});

describe('hosted billing portal page', () => {
  test("lists the customer's plan with its price, renewal date, invoices and a way back", async () => {
    const portal = new FakePortalFlow(portalSession());
    await withPages(new FakeCheckoutFlow(), portal, async ({ base }) => {
      const response = await fetch(`${base}/p/session/bps_test_1`);
      const markup = await response.text();
      const text = visibleText(markup);

      assert.equal(response.status, 200);
      assert.equal(response.headers.get('x-frame-options'), 'DENY');
      assert.match(text, /Pro \$190\.00 per year Renews on November 3, 2027/);
      assert.match(text, /Cancel plan/);
      assert.match(text, /Invoice history/);
      assert.match(text, /Nov 3, 2026 \$152\.00 Paid A1B2C3-0001/);
      assert.match(markup, /<a class="back" href="https:\/\/shop\.example\/account">/);
      assert.match(text, /Return to shop\.example/);
      assert.match(
        markup,
        /<form method="post" action="\/p\/session\/bps_test_1\/subscriptions\/sub_1\/cancel">/,
      );
    });
  });

  test('cancels a plan at period end, then shows when it ends and offers to renew it', async () => {
    const portal = new FakePortalFlow(portalSession());
    await withPages(new FakeCheckoutFlow(), portal, async ({ base }) => {
      const response = await postForm(
        `${base}/p/session/bps_test_1/subscriptions/sub_1/cancel`,
        {},
      );
      const text = visibleText(await (await fetch(`${base}/p/session/bps_test_1`)).text());

      assert.equal(response.status, 303);
      assert.equal(response.headers.get('location'), '/p/session/bps_test_1');
      assert.deepEqual(portal.calls, ['cancel sub_1']);
      assert.match(text, /Cancels on November 3, 2027/);
      assert.match(text, /Renew plan/);
    });
  });

  test('resumes a plan that was set to cancel and redirects back to the portal', async () => {
    const canceling = portalSession();
    canceling.subscriptions = canceling.subscriptions.map((sub) => ({
      ...sub,
      cancelAtPeriodEnd: true,
    }));
    const portal = new FakePortalFlow(canceling);
    await withPages(new FakeCheckoutFlow(), portal, async ({ base }) => {
      const response = await postForm(
        `${base}/p/session/bps_test_1/subscriptions/sub_1/resume`,
        {},
      );
      const text = visibleText(await (await fetch(`${base}/p/session/bps_test_1`)).text());

      assert.equal(response.status, 303);
      assert.deepEqual(portal.calls, ['resume sub_1']);
      assert.match(text, /Renews on November 3, 2027/);
    });
  });

  test("shows the flow's refusal in an alert on the portal page", async () => {
    const portal = new FakePortalFlow(portalSession());
    await withPages(new FakeCheckoutFlow(), portal, async ({ base }) => {
      const response = await postForm(
        `${base}/p/session/bps_test_1/subscriptions/sub_gone/cancel`,
        {},
      );
      const markup = await response.text();

      assert.equal(response.status, 400);
      assert.match(markup, /role="alert">[\s\S]*This subscription can no longer be changed\./);
    });
  });

  test('answers an unknown portal session with a 404 page and changes nothing', async () => {
    const portal = new FakePortalFlow();
    await withPages(new FakeCheckoutFlow(), portal, async ({ base }) => {
      const page = await fetch(`${base}/p/session/bps_missing`);
      const change = await postForm(`${base}/p/session/bps_missing/subscriptions/sub_1/cancel`, {});

      assert.equal(page.status, 404);
      assert.equal(change.status, 404);
      assert.deepEqual(portal.calls, []);
    });
  });
});

// Real Chromium: the pages as a buyer sees them. Screenshots land in test-results/ to be looked at;
// the assertions are about behaviour and accessibility, never pixels.

const SHOTS = 'test-results/local-stripe';
const VIEWPORTS = {
  desktop: { width: 1280, height: 900 },
  phone: { width: 390, height: 844 },
};

async function axeViolations(page: Page): Promise<string[]> {
  const require = createRequire(import.meta.url);
  const source = await readFile(require.resolve('axe-core/axe.min.js'), 'utf8');
  // Evaluated through the DevTools protocol, so the page's CSP (rightly) does not apply to it.
  await page.evaluate(source);
  return page.evaluate(async () => {
    const axe = (
      globalThis as unknown as {
        axe: { run(): Promise<{ violations: { id: string; help: string }[] }> };
      }
    ).axe;
    const { violations } = await axe.run();
    return violations.map((violation) => `${violation.id}: ${violation.help}`);
  });
}

describe('hosted pages in Chromium', () => {
  let browser: Browser;
  let pages: Pages;

  before(async () => {
    await mkdir(SHOTS, { recursive: true });
    browser = await launchChromium();
    const checkout = new FakeCheckoutFlow(
      discountedSession({ id: 'cs_test_shown' }),
      openSession({ id: 'cs_test_pay' }),
    );
    pages = await startPages(checkout, new FakePortalFlow(portalSession()));
    // A different origin from the page's own, as a real success_url is.
    checkout.successUrl = `${pages.base.replace('127.0.0.1', 'localhost')}/thanks`;
  });

  after(async () => {
    await browser?.close();
    await pages?.close();
  });

  for (const [size, viewport] of Object.entries(VIEWPORTS)) {
    test(`renders the checkout page at ${size} width with its styles and no accessibility violations`, async () => {
      const page = await browser.newPage({ viewport });
      await page.goto(`${pages.base}/c/pay/cs_test_shown`);

      const buttonColour = await page
        .locator('.pay-button')
        .evaluate((button) => getComputedStyle(button).backgroundColor);
      await page.screenshot({ path: `${SHOTS}/checkout-${size}.png`, fullPage: true });

      assert.equal(buttonColour, 'rgb(0, 112, 210)', 'the nonce stylesheet applies under the CSP');
      assert.deepEqual(await axeViolations(page), []);
      await page.close();
    });

    test(`renders the billing portal at ${size} width with no accessibility violations`, async () => {
      const page = await browser.newPage({ viewport });
      await page.goto(`${pages.base}/p/session/bps_test_1`);
      await page.screenshot({ path: `${SHOTS}/portal-${size}.png`, fullPage: true });

      assert.deepEqual(await axeViolations(page), []);
      await page.close();
    });
  }

  test('shows a declined card next to the card field, then pays and lands on the success URL', async () => {
    const page = await browser.newPage({ viewport: VIEWPORTS.desktop });
    await page.goto(`${pages.base}/c/pay/cs_test_pay`);
    await page.getByLabel('Email').fill('ada@example.com');
    await page.getByLabel('Card number').fill('4000 0000 0000 0002');
    await page.getByLabel('Expiration date').fill('12 / 34');
    await page.getByLabel('Security code').fill('123');
    await page.getByRole('button', { name: 'Subscribe' }).click();
    await page.waitForLoadState();
    const declined = await page.getByRole('alert').textContent();
    await page.screenshot({ path: `${SHOTS}/checkout-declined.png`, fullPage: true });

    await page.getByLabel('Card number').fill('4242 4242 4242 4242');
    await page.getByLabel('Security code').fill('123');
    await page.getByRole('button', { name: 'Subscribe' }).click();
    await page.waitForURL(/\/thanks\?session_id=cs_test_pay$/);

    assert.match(declined ?? '', /Your card was declined\./);
    assert.match((await page.textContent('body')) ?? '', /Thanks for subscribing/);
    await page.close();
  });
});
