// A promotion code's restrictions live in our rules (ANNUAL50 is for annual billing only), which
// Stripe's own code box cannot know: codes go through the widget or the API, and a completed
// session carrying any other discount is logged.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { count, deliver, makeEvent } from '../support/events.ts';
import { startHostileStack, type HostileStack } from '../support/fuzz-stack.ts';
import { request } from '../support/stack.ts';
import { waitFor } from '../support/wait.ts';

describe('promotion codes on Stripe’s page', () => {
  let stack: HostileStack;
  before(async () => {
    stack = await startHostileStack();
  });
  after(() => stack.close());

  const warningsAbout = (sessionId: string) =>
    stack.logs
      .map((line) => JSON.parse(line))
      .filter((entry) => entry.level === 40 && entry.checkoutSessionId === sessionId);

  async function monthlyPro(userId: string) {
    const created = await request(stack.apiUrl, 'POST', '/api/subscription/create-checkout', {
      token: await stack.tokenFor(userId),
      body: { plan: 'PRO', billing: 'monthly' },
    });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    return created.body as { sessionId: string; url: string };
  }

  /** A one-time checkout of ours, completed with the given discount as Stripe would report it. */
  async function paidWithDiscount(
    userId: string,
    promotionCode: string | undefined,
    discount: { promotion_code: string | null; coupon: string | null },
  ) {
    const created = await request(stack.apiUrl, 'POST', '/payment/checkout', {
      token: await stack.tokenFor(userId),
      body: { planId: 'one-time', ...(promotionCode && { promotionCode }) },
    });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    const session = await stack.stripe.checkout.sessions.retrieve(created.body.data.checkoutId);
    return {
      ...session,
      status: 'complete',
      payment_status: 'paid',
      payment_intent: `pi_${session.id.slice(-20)}`,
      discounts: [discount],
      amount_total: 7_450,
      total_details: { amount_discount: 7_450, amount_shipping: 0, amount_tax: 0 },
    };
  }

  it('never offers Stripe’s code box, so ANNUAL50 cannot be typed on the page of a monthly plan', async () => {
    const { sessionId, url } = await monthlyPro('page-typist');
    const before = await stack.stripe.checkout.sessions.retrieve(sessionId);
    const page = await (await fetch(url)).text();

    const typed = await fetch(`${url}/promotion`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'code=ANNUAL50',
      redirect: 'manual',
    });
    const after = await stack.stripe.checkout.sessions.retrieve(sessionId);

    assert.notEqual(before.allow_promotion_codes, true);
    assert.doesNotMatch(page, /Add promotion code/);
    assert.equal(typed.status, 400);
    assert.deepEqual(after.discounts, []);
    assert.equal(after.amount_total, before.amount_total);
  });

  it('sends a code given through the API to Stripe as the session’s discount', async () => {
    const created = await request(stack.apiUrl, 'POST', '/api/subscription/create-checkout', {
      token: await stack.tokenFor('api-code'),
      body: { plan: 'PRO', billing: 'annual', promotionCode: 'ANNUAL50' },
    });

    const session = await stack.stripe.checkout.sessions.retrieve(created.body.sessionId);
    const row = await stack.running.storage.sessions.find(created.body.sessionId);

    assert.equal(session.discounts?.length, 1);
    assert.equal(session.discounts?.[0]?.promotion_code, row?.promotion_code_id);
    assert.equal(session.total_details?.amount_discount, session.amount_subtotal! / 2);
  });

  it('warns, and still grants what was paid, when a completed session carries a discount our rules did not allow', async () => {
    const session = await paidWithDiscount('typed-elsewhere', undefined, {
      promotion_code: 'promo_not_ours',
      coupon: null,
    });

    const response = await deliver(stack, makeEvent('checkout.session.completed', session));

    assert.equal(response.status, 200);
    assert.equal(
      (await stack.running.storage.entitlements.get('typed-elsewhere'))?.source,
      'lifetime',
    );
    assert.equal(
      await count(stack, 'purchases', 'user_id = ? AND amount = 7450', 'typed-elsewhere'),
      1,
    );
    const [warning] = warningsAbout(session.id);
    assert.match(warning?.reason, /promotion code promo_not_ours, which our rules did not allow/);
  });

  it('warns about a bare coupon on a session made with a promotion code', async () => {
    const session = await paidWithDiscount('bare-coupon', 'LAUNCH20', {
      promotion_code: null,
      coupon: 'coupon_half',
    });

    await deliver(stack, makeEvent('checkout.session.completed', session));

    assert.match(warningsAbout(session.id)[0]?.reason, /coupon coupon_half/);
  });

  it('grants without a warning a session carrying the promotion code it was made with', async () => {
    const created = await request(stack.apiUrl, 'POST', '/payment/checkout', {
      token: await stack.tokenFor('own-code'),
      body: { planId: 'one-time', promotionCode: 'LAUNCH20' },
    });
    const sessionId = created.body.data.checkoutId;

    await stack.control.completeSession(sessionId);
    const granted = await waitFor(
      () => stack.running.storage.entitlements.get('own-code'),
      'the entitlement',
    );

    assert.equal(granted.source, 'lifetime');
    assert.deepEqual(warningsAbout(sessionId), []);
    assert.equal(await count(stack, 'purchases', 'user_id = ? AND amount = 11920', 'own-code'), 1);
  });
});
