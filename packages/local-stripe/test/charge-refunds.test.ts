// A charge's refunds are left out unless expanded, since API version 2022-11-15, in answers and in
// events alike; expanded, they are a first page that says when there are more.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type Stripe from 'stripe';
import { priceFor, startHarnessWithReceiver, type Harness } from './support.ts';
import type { WebhookReceiver } from './webhook-receiver.ts';

describe("local Stripe: a charge's refunds", () => {
  let h: Harness;
  let hook: WebhookReceiver;
  before(async () => {
    ({ h, hook } = await startHarnessWithReceiver());
  });
  after(() => h.close());

  async function paidCharge(email: string): Promise<string> {
    const session = await h.stripe.checkout.sessions.create({
      mode: 'payment',
      line_items: [{ price: (await priceFor(h.stripe, 'one-time')).id, quantity: 1 }],
      customer_email: email,
    });
    await h.control.completeSession(session.id);
    const { payment_intent } = await h.stripe.checkout.sessions.retrieve(session.id, {
      expand: ['payment_intent'],
    });
    return (payment_intent as Stripe.PaymentIntent).latest_charge as string;
  }

  it('leaves them out of the charge and its charge.refunded event unless expanded', async () => {
    const charge = await paidCharge('refunds-hidden@example.com');
    const refund = await h.stripe.refunds.create({ charge, amount: 500 });
    const event = await hook.waitFor(
      'charge.refunded',
      (e) => (e.data.object as Stripe.Charge).id === charge,
    );

    const plain = await h.stripe.charges.retrieve(charge);
    const expanded = await h.stripe.charges.retrieve(charge, { expand: ['refunds'] });

    assert.equal('refunds' in plain, false);
    assert.equal('refunds' in (event.data.object as Stripe.Charge), false);
    assert.equal(plain.amount_refunded, 500);
    assert.deepEqual(
      expanded.refunds?.data.map((r) => r.id),
      [refund.id],
    );
    assert.equal(expanded.refunds?.has_more, false);
    assert.equal(expanded.refunds?.url, `/v1/charges/${charge}/refunds`);
  });

  it('gives the newest ten expanded, with has_more, and the rest through the refunds list', async () => {
    const charge = await paidCharge('refunds-many@example.com');
    const made: string[] = [];
    for (let i = 0; i < 12; i++)
      made.push((await h.stripe.refunds.create({ charge, amount: 100 })).id);

    const { refunds } = await h.stripe.charges.retrieve(charge, { expand: ['refunds'] });
    const listed = await h.stripe.refunds.list({ charge, limit: 100 });

    assert.deepEqual(
      refunds?.data.map((r) => r.id),
      made.toReversed().slice(0, 10),
    );
    assert.equal(refunds?.has_more, true);
    assert.deepEqual(
      listed.data.map((r) => r.id),
      made.toReversed(),
    );
  });
});
