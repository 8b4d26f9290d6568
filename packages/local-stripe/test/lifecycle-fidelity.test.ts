import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type Stripe from 'stripe';
import { compareShape, type ShapeContext } from './fidelity/compare-shape.ts';
import { loadShapes } from './fidelity/sdk-types.ts';
import { priceFor, startHarness, type Harness } from './support.ts';

const FIXTURES = new URL('./fidelity/stripe-openapi/fixtures3.json', import.meta.url);
const DAY = 86_400;

describe("local Stripe: disputes, failed refunds, pauses and 3D Secure renewals have Stripe's shapes", () => {
  let h: Harness;
  let context: ShapeContext;
  const produced: unknown[] = [];

  before(async () => {
    const samples = (
      JSON.parse(readFileSync(FIXTURES, 'utf8')) as { resources: Record<string, unknown> }
    ).resources;
    context = { samples, shapes: loadShapes() };
    h = await startHarness();
    const { stripe, control } = h;

    const subscriptionSession = async (email: string) => {
      const session = await stripe.checkout.sessions.create({
        mode: 'subscription',
        line_items: [{ price: (await priceFor(stripe, 'plan_basic')).id, quantity: 1 }],
        customer_email: email,
        success_url: 'https://shop.example/done',
      });
      await control.completeSession(session.id);
      return (await stripe.checkout.sessions.retrieve(session.id, { expand: ['subscription'] }))
        .subscription as Stripe.Subscription;
    };
    const paidCharge = async (email: string) => {
      const session = await stripe.checkout.sessions.create({
        mode: 'payment',
        line_items: [{ price: (await priceFor(stripe, 'one-time')).id, quantity: 1 }],
        customer_email: email,
      });
      await control.completeSession(session.id);
      const intent = (await stripe.checkout.sessions.retrieve(session.id)).payment_intent as string;
      return (await stripe.paymentIntents.retrieve(intent)).latest_charge as string;
    };

    const won = await control.disputeCharge(await paidCharge('won@example.com'));
    await control.closeDispute(won.id, 'won');
    const inquiry = await control.disputeCharge(await paidCharge('inq@example.com'), 'general', {
      inquiry: true,
    });
    await control.closeDispute(inquiry.id, 'won');
    const refund = await stripe.refunds.create({ charge: await paidCharge('ref@example.com') });
    await control.failRefund(refund.id);

    const paused = await subscriptionSession('paused@example.com');
    await stripe.subscriptions.pause(paused.id);
    const threeDs = await subscriptionSession('three-ds@example.com');
    await control.setCustomerCard(threeDs.customer as string, '4000002760003184');
    await control.advanceClock(32 * DAY);

    produced.push(
      await stripe.disputes.retrieve(won.id),
      await stripe.disputes.retrieve(inquiry.id),
      await stripe.refunds.retrieve(refund.id),
      await stripe.charges.retrieve(refund.charge as string),
      await stripe.subscriptions.retrieve(paused.id),
      ...(await stripe.invoices.list({ subscription: threeDs.id })).data,
      ...(await stripe.paymentIntents.list({ customer: threeDs.customer as string })).data,
      ...(await stripe.events.list({ limit: 100 })).data,
    );
  });
  after(() => h.close());

  it('produced each new state and event', () => {
    const states = produced.map((o) => (o as { status?: string }).status);
    const types = new Set<string>(
      produced
        .filter((o) => (o as { object: string }).object === 'event')
        .map((e) => (e as Stripe.Event).type),
    );

    for (const status of ['won', 'warning_closed', 'failed', 'paused', 'requires_action']) {
      assert.ok(states.includes(status), `nothing ended ${status}`);
    }
    for (const type of [
      'charge.dispute.funds_withdrawn',
      'charge.dispute.updated',
      'charge.dispute.funds_reinstated',
      'charge.dispute.closed',
      'refund.failed',
      'charge.refund.updated',
      'customer.subscription.paused',
      'invoice.payment_action_required',
    ]) {
      assert.ok(types.has(type), `no ${type} was sent`);
    }
  });

  it("matches Stripe's sample keys and value types, objects inside events included", () => {
    const wire = produced.map((object) => JSON.parse(JSON.stringify(object)) as unknown);

    const problems = wire.flatMap((object) => {
      const own = compareShape(object, context);
      const event = object as Stripe.Event;
      return event.object === 'event'
        ? [...own, ...compareShape(event.data.object, context, `${event.type}.data.object`)]
        : own;
    });

    assert.deepEqual([...new Set(problems)], []);
  });
});
