// What a completed checkout grants and reports, and what another integration's objects do not.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { count, priceIdOf } from '../support/events.ts';
import { request, startStack, type Stack } from '../support/stack.ts';
import { waitFor } from '../support/wait.ts';

describe('fulfilment', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack();
  });
  after(() => stack.close());

  /** Every webhook sent so far has been answered 200. */
  const allDelivered = () =>
    waitFor(
      async () =>
        (await stack.control.listDeliveries()).every((d) => d.status === 'succeeded') || false,
      'every webhook delivered',
    );

  it('reports "paymentStatus":"paid" on GET /payment/checkout/{id} once the session is paid and fulfilled', async () => {
    const token = await stack.tokenFor('paid-status');
    const created = await request(stack.apiUrl, 'POST', '/payment/checkout', {
      token,
      body: { planId: 'plan_basic' },
    });
    const sessionId = created.body.data.checkoutId as string;

    await stack.control.completeSession(sessionId);
    await waitFor(
      async () => (await stack.running.storage.sessions.find(sessionId))?.fulfilled_at,
      'the fulfilment',
    );
    const state = await request(stack.apiUrl, 'GET', `/payment/checkout/${sessionId}`, { token });

    assert.equal(state.body.data.status, 'complete');
    assert.equal(state.body.data.fulfilled, true);
    assert.equal(state.body.data.paymentStatus, 'paid');
  });

  it('reports it paid on the success page before the webhook arrives too', async () => {
    const token = await stack.tokenFor('paid-status-early');
    await stack.control.holdWebhooks(true);
    try {
      const created = await request(stack.apiUrl, 'POST', '/payment/checkout', {
        token,
        body: { planId: 'one-time' },
      });
      const sessionId = created.body.data.checkoutId as string;
      await stack.control.completeSession(sessionId);

      const state = await request(stack.apiUrl, 'GET', `/payment/checkout/${sessionId}`, {
        token,
      });

      assert.equal(state.body.data.fulfilled, true);
      assert.equal(state.body.data.paymentStatus, 'paid');
    } finally {
      await stack.control.holdWebhooks(false);
      await stack.control.deliverPending();
    }
  });

  it('grants lifetime access for a one-time purchase made free by a 100% code (no_payment_required, no payment intent)', async () => {
    const coupon = await stack.stripe.coupons.create({ percent_off: 100, duration: 'once' });
    await stack.stripe.promotionCodes.create({
      promotion: { type: 'coupon', coupon: coupon.id },
      code: 'ONTHEHOUSE',
    });
    const token = await stack.tokenFor('free-lifetime');
    const created = await request(stack.apiUrl, 'POST', '/payment/checkout', {
      token,
      body: { planId: 'one-time', promotionCode: 'ONTHEHOUSE' },
    });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    const sessionId = created.body.data.checkoutId as string;

    await stack.control.completeSession(sessionId);
    await allDelivered();
    const session = await stack.stripe.checkout.sessions.retrieve(sessionId);
    const state = await request(stack.apiUrl, 'GET', `/payment/checkout/${sessionId}`, { token });
    const payments = await request(stack.apiUrl, 'GET', '/api/payments', { token });

    assert.equal(session.payment_status, 'no_payment_required');
    assert.equal(session.payment_intent, null);
    assert.equal(state.body.data.fulfilled, true);
    assert.equal(state.body.data.paymentStatus, 'no_payment_required');
    assert.deepEqual(
      (await stack.running.storage.entitlements.get('free-lifetime'))?.source,
      'lifetime',
    );
    assert.equal(await count(stack, 'purchases', 'checkout_session_id = ?', sessionId), 1);
    assert.deepEqual(
      payments.body.data.map((p: { amount: number; status: string }) => [p.amount, p.status]),
      [[0, 'paid']],
    );
  });

  it("grants nothing for another integration's subscription on one of our prices that names a user of ours in its metadata", async () => {
    // Same Stripe account, another integration: its own customer, its own metadata.
    const session = await stack.stripe.checkout.sessions.create({
      mode: 'subscription',
      line_items: [{ price: await priceIdOf(stack, 'plan_professional'), quantity: 1 }],
      subscription_data: { metadata: { userId: 'named-by-someone-else' } },
      metadata: { userId: 'named-by-someone-else' },
      success_url: 'https://other-integration.example/done',
    });

    await stack.control.completeSession(session.id);
    await allDelivered();

    assert.equal(await stack.running.storage.entitlements.get('named-by-someone-else'), undefined);
    assert.equal(await count(stack, 'subscriptions', 'user_id = ?', 'named-by-someone-else'), 0);
    assert.equal(await count(stack, 'payments', 'user_id = ?', 'named-by-someone-else'), 0);
    assert.equal(await count(stack, 'customers', 'user_id = ?', 'named-by-someone-else'), 0);
  });
});
