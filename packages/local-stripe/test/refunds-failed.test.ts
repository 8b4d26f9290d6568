import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type Stripe from 'stripe';
import { priceFor, startHarnessWithReceiver, type Harness } from './support.ts';
import type { WebhookReceiver } from './webhook-receiver.ts';

describe('local Stripe: refunds that fail', () => {
  let h: Harness;
  let hook: WebhookReceiver;
  before(async () => {
    ({ h, hook } = await startHarnessWithReceiver());
  });
  after(() => h.close());

  async function purchase(email: string, card?: string): Promise<string> {
    const price = await priceFor(h.stripe, 'one-time');
    const session = await h.stripe.checkout.sessions.create({
      mode: 'payment',
      line_items: [{ price: price.id, quantity: 1 }],
      customer_email: email,
    });
    await h.control.completeSession(session.id, card ? { card } : {});
    return (await h.stripe.checkout.sessions.retrieve(session.id)).payment_intent as string;
  }

  const about = (id: string) => (e: Stripe.Event) => (e.data.object as { id: string }).id === id;

  function eventsAbout(id: string): Stripe.Event[] {
    return h.core.store.events.all().filter(about(id)).reverse();
  }

  it('fails a refund on the refund-failure test card after it first reads succeeded', async () => {
    const paymentIntent = await purchase('refund-fail-card@example.com', '4000000000005126');

    const refund = await h.stripe.refunds.create({ payment_intent: paymentIntent });
    const failedEvent = await hook.waitFor('refund.failed', about(refund.id));
    const later = await h.stripe.refunds.retrieve(refund.id);
    const charge = await h.stripe.charges.retrieve(refund.charge as string, {
      expand: ['refunds'],
    });

    assert.equal(refund.status, 'succeeded');
    assert.equal(later.status, 'failed');
    assert.equal(later.failure_reason, 'expired_or_canceled_card');
    assert.equal((failedEvent.data.object as Stripe.Refund).status, 'failed');
    assert.equal(charge.amount_refunded, 0);
    assert.equal(charge.refunded, false);
    assert.equal(charge.refunds?.data[0]?.status, 'failed');
  });

  it('fails a refund through the control API with charge.refund.updated, refund.updated and refund.failed', async () => {
    const paymentIntent = await purchase('refund-fail@example.com');
    const partial = await h.stripe.refunds.create({ payment_intent: paymentIntent, amount: 4900 });

    const failed = await h.control.failRefund(partial.id, 'lost_or_stolen_card');
    await hook.waitFor('refund.failed', about(partial.id));
    const events = eventsAbout(partial.id);
    const updated = events.find((e) => e.type === 'charge.refund.updated')!;
    const charge = await h.stripe.charges.retrieve(partial.charge as string);
    const again = await h.stripe.refunds.create({ payment_intent: paymentIntent });

    assert.deepEqual(
      events.map((e) => e.type),
      ['refund.created', 'charge.refund.updated', 'refund.updated', 'refund.failed'],
    );
    assert.deepEqual(updated.data.previous_attributes, {
      status: 'succeeded',
      failure_reason: null,
    });
    assert.equal(failed.status, 'failed');
    assert.equal(failed.failure_reason, 'lost_or_stolen_card');
    assert.equal(charge.amount_refunded, 0);
    assert.equal(charge.refunded, false);
    assert.equal(again.amount, charge.amount, 'the whole charge can be refunded again');
  });

  it('refuses to fail a refund that already failed, and an unknown failure reason', async () => {
    const paymentIntent = await purchase('refund-fail-twice@example.com');
    const refund = await h.stripe.refunds.create({ payment_intent: paymentIntent, amount: 100 });
    await h.control.failRefund(refund.id);

    const twice = await h.control.failRefund(refund.id).catch((e: Error) => e);
    const unknown = await fetch(`${h.local.url}/_local/refunds/${refund.id}/fail`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ failure_reason: 'bored' }),
    });
    const charge = await h.stripe.charges.retrieve(refund.charge as string);

    assert.match(String(twice), /answered 400: .*only a pending or succeeded refund can fail/);
    assert.equal(unknown.status, 400);
    assert.equal(charge.amount_refunded, 0);
  });
});
