// One Stripe account often serves several integrations, and every endpoint receives every event:
// only sessions this server made are fulfilled, and only at their catalog entry's price.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { count, deliver, makeEvent, priceIdOf } from '../support/events.ts';
import { startHostileStack, type HostileStack } from '../support/fuzz-stack.ts';
import { request } from '../support/stack.ts';
import { waitFor } from '../support/wait.ts';

describe('checkout sessions this server never made', () => {
  let stack: HostileStack;
  before(async () => {
    stack = await startHostileStack();
  });
  after(() => stack.close());

  const entitlementOf = (userId: string) => stack.running.storage.entitlements.get(userId);
  const warningsAbout = (sessionId: string) =>
    stack.logs
      .map((line) => JSON.parse(line))
      .filter((entry) => entry.level === 40 && entry.checkoutSessionId === sessionId);

  /** A paid one-time session as Stripe would send it, for a session made by someone else. */
  function foreignSession(id: string, metadata: Record<string, string>, amountTotal: number) {
    const now = Math.floor(Date.now() / 1000);
    return {
      id,
      object: 'checkout.session',
      mode: 'payment',
      status: 'complete',
      payment_status: 'paid',
      client_reference_id: metadata.userId ?? null,
      customer: `cus_${id}`,
      payment_intent: `pi_${id}`,
      subscription: null,
      metadata,
      currency: 'usd',
      amount_subtotal: amountTotal,
      amount_total: amountTotal,
      discounts: [],
      total_details: { amount_discount: 0, amount_shipping: 0, amount_tax: 0 },
      created: now,
      expires_at: now + 86_400,
    };
  }

  /** A one-time checkout this server made for `userId`, as its completed event would carry it. */
  async function ourPaidSession(userId: string, changes: object = {}) {
    const created = await request(stack.apiUrl, 'POST', '/payment/checkout', {
      token: await stack.tokenFor(userId),
      body: { planId: 'one-time' },
    });
    const session = await stack.stripe.checkout.sessions.retrieve(created.body.data.checkoutId);
    return {
      ...session,
      status: 'complete',
      payment_status: 'paid',
      payment_intent: `pi_${session.id.slice(-20)}`,
      ...changes,
    };
  }

  it('grants nothing for a signed session of an unknown plan at 100, acknowledging and logging it', async () => {
    const session = foreignSession(
      'cs_test_foreign_unknown_plan',
      { userId: 'intruder', planId: 'lifetime-deal' },
      100,
    );
    const event = makeEvent('checkout.session.completed', session);

    const response = await deliver(stack, event);

    assert.equal(response.status, 200);
    assert.equal(await count(stack, 'stripe_events', 'id = ?', event.id), 1);
    assert.equal(await count(stack, 'purchases', 'user_id = ?', 'intruder'), 0);
    assert.equal(await count(stack, 'checkout_sessions', 'id = ?', session.id), 0);
    assert.equal(await entitlementOf('intruder'), undefined);
    assert.equal(warningsAbout(session.id).length, 1);
  });

  it("grants nothing for another integration's session naming our buyer and plan at full price", async () => {
    const session = foreignSession(
      'cs_test_foreign_full_price',
      { userId: 'victim', planId: 'one-time' },
      14_900,
    );

    const response = await deliver(stack, makeEvent('checkout.session.completed', session));

    assert.equal(response.status, 200);
    assert.equal(await entitlementOf('victim'), undefined);
    assert.equal(await count(stack, 'payments', 'user_id = ?', 'victim'), 0);
    assert.equal(warningsAbout(session.id).length, 1);
  });

  it('grants nothing when a session of ours completes for less than its price with no discount', async () => {
    const session = await ourPaidSession('underpaid', { amount_total: 100 });

    const response = await deliver(stack, makeEvent('checkout.session.completed', session));

    assert.equal(response.status, 200);
    assert.equal(await entitlementOf('underpaid'), undefined);
    assert.equal((await stack.running.storage.sessions.find(session.id))?.fulfilled_at, null);
    assert.match(warningsAbout(session.id)[0]?.reason, /is not the price 14900/);
  });

  it('grants nothing when a session of ours completes in another currency', async () => {
    const session = await ourPaidSession('other-currency', { currency: 'eur' });

    await deliver(stack, makeEvent('checkout.session.completed', session));

    assert.equal(await entitlementOf('other-currency'), undefined);
    assert.equal(warningsAbout(session.id).length, 1);
  });

  it('fulfils a session of ours whose local row was lost, after reading its line item from Stripe', async () => {
    const created = await request(stack.apiUrl, 'POST', '/payment/checkout', {
      token: await stack.tokenFor('lost-row'),
      body: { planId: 'one-time' },
    });
    const sessionId = created.body.data.checkoutId;
    // As if the process had died between Stripe's answer and the insert.
    await stack.running.storage.db
      .prepare('DELETE FROM checkout_sessions WHERE id = ?')
      .run(sessionId);

    await stack.control.completeSession(sessionId);
    const entitlement = await waitFor(() => entitlementOf('lost-row'), 'the purchase');

    assert.equal(entitlement.source, 'lifetime');
    const row = await stack.running.storage.sessions.find(sessionId);
    assert.equal(row?.user_id, 'lost-row');
    assert.equal(row?.catalog_id, 'one-time');
    assert.equal(row?.price_id, await priceIdOf(stack, 'one-time'));
  });

  it('grants nothing for a session tagged as ours whose line item is not its catalog entry’s price', async () => {
    const weekly = await stack.stripe.prices.retrieve(await priceIdOf(stack, 'weekly'));
    const cheap = await stack.stripe.prices.create({
      currency: 'usd',
      unit_amount: 100,
      product: weekly.product as string,
    });
    const made = await stack.stripe.checkout.sessions.create({
      mode: 'payment',
      line_items: [{ price: cheap.id, quantity: 1 }],
      success_url: 'https://elsewhere.example/done',
      metadata: {
        userId: 'tagged',
        verified: 'true',
        planId: 'one-time',
        tilldropInstance: stack.running.storage.instanceId,
      },
    });

    await stack.control.completeSession(made.id);
    await waitFor(() => warningsAbout(made.id).length > 0, 'the warning');

    assert.equal(await entitlementOf('tagged'), undefined);
    assert.equal(await count(stack, 'checkout_sessions', 'id = ?', made.id), 0);
    assert.match(warningsAbout(made.id)[0].reason, /not the price of catalog entry one-time/);
  });
});
