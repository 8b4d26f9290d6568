import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Stripe from 'stripe';
import { priceFor, startHarnessWithReceiver, type Harness } from './support.ts';
import type { WebhookReceiver } from './webhook-receiver.ts';

const DAY = 86_400;

describe('local Stripe: subscriptions over time, refunds, disputes and the billing portal', () => {
  let h: Harness;
  let hook: WebhookReceiver;
  before(async () => {
    ({ h, hook } = await startHarnessWithReceiver());
  });
  after(() => h.close());

  async function subscribe(lookupKey: string, email: string): Promise<Stripe.Subscription> {
    const price = await priceFor(h.stripe, lookupKey);
    const session = await h.stripe.checkout.sessions.create({
      mode: 'subscription',
      line_items: [{ price: price.id, quantity: 1 }],
      customer_email: email,
      success_url: 'https://shop.example/done',
    });
    await h.control.completeSession(session.id);
    const completed = await h.stripe.checkout.sessions.retrieve(session.id, {
      expand: ['subscription'],
    });
    return completed.subscription as Stripe.Subscription;
  }

  it('cancels at period end and resumes, with previous attributes in the event', async () => {
    const subscription = await subscribe('plan_basic', 'resume@example.com');

    const cancelling = await h.stripe.subscriptions.update(subscription.id, {
      cancel_at_period_end: true,
    });
    const resumed = await h.stripe.subscriptions.update(subscription.id, {
      cancel_at_period_end: false,
    });
    const event = await hook.waitFor(
      'customer.subscription.updated',
      (e) =>
        (e.data.object as Stripe.Subscription).id === subscription.id &&
        (e.data.object as Stripe.Subscription).cancel_at_period_end,
    );

    assert.equal(cancelling.cancel_at_period_end, true);
    assert.equal(cancelling.cancel_at, subscription.items.data[0]!.current_period_end);
    assert.equal(resumed.cancel_at_period_end, false);
    assert.equal(resumed.cancel_at, null);
    assert.equal(
      (event.data.previous_attributes as { cancel_at_period_end?: boolean }).cancel_at_period_end,
      false,
    );
  });

  it('cancels now and leaves the subscription out of the default list', async () => {
    const subscription = await subscribe('weekly', 'cancel-now@example.com');

    const canceled = await h.stripe.subscriptions.cancel(subscription.id);
    const listed = await h.stripe.subscriptions.list({ customer: subscription.customer as string });
    const all = await h.stripe.subscriptions.list({
      customer: subscription.customer as string,
      status: 'all',
    });
    const deleted = await hook.waitFor(
      'customer.subscription.deleted',
      (e) => (e.data.object as Stripe.Subscription).id === subscription.id,
    );

    assert.equal(canceled.status, 'canceled');
    assert.ok(canceled.ended_at);
    assert.equal(listed.data.length, 0);
    assert.equal(all.data.length, 1);
    assert.equal((deleted.data.object as Stripe.Subscription).status, 'canceled');
  });

  it('renews when the clock passes the period end', async () => {
    const subscription = await subscribe('plan_professional', 'renew@example.com');
    const firstEnd = subscription.items.data[0]!.current_period_end;

    const report = await h.control.advanceClock(32 * DAY);
    const renewed = await h.stripe.subscriptions.retrieve(subscription.id);
    const invoices = await h.stripe.invoices.list({ subscription: subscription.id });

    assert.ok(report.renewed >= 1);
    assert.equal(renewed.status, 'active');
    assert.equal(renewed.items.data[0]!.current_period_start, firstEnd);
    assert.ok(renewed.items.data[0]!.current_period_end > firstEnd);
    assert.equal(invoices.data[0]!.billing_reason, 'subscription_cycle');
    assert.equal(invoices.data[0]!.status, 'paid');
    assert.equal(renewed.latest_invoice, invoices.data[0]!.id);
  });

  it('goes past due on a failing card, then cancels after the retries', async () => {
    const subscription = await subscribe('plan_basic', 'failing@example.com');
    await h.control.setCustomerCard(subscription.customer as string, '4000000000000341');

    await h.control.advanceClock(32 * DAY);
    const pastDue = await h.stripe.subscriptions.retrieve(subscription.id);
    await h.control.advanceClock(30 * DAY);
    const ended = await h.stripe.subscriptions.retrieve(subscription.id);
    const failedEvents = await h.stripe.events.list({ type: 'invoice.payment_failed', limit: 100 });

    assert.equal(pastDue.status, 'past_due');
    assert.equal(ended.status, 'canceled');
    assert.equal(ended.cancellation_details?.reason, 'payment_failed');
    assert.ok(
      failedEvents.data.filter(
        (e) => (e.data.object as Stripe.Invoice).customer === subscription.customer,
      ).length >= 2,
    );
  });

  it('ends a subscription set to cancel when its period ends', async () => {
    const subscription = await subscribe('weekly', 'period-end@example.com');
    await h.stripe.subscriptions.update(subscription.id, { cancel_at_period_end: true });

    await h.control.advanceClock(8 * DAY);
    const ended = await h.stripe.subscriptions.retrieve(subscription.id);

    assert.equal(ended.status, 'canceled');
    assert.equal(ended.ended_at, subscription.items.data[0]!.current_period_end);
  });

  it('expires open sessions the clock has passed', async () => {
    const price = await priceFor(h.stripe, 'one-time');
    const session = await h.stripe.checkout.sessions.create({
      mode: 'payment',
      line_items: [{ price: price.id, quantity: 1 }],
    });

    await h.control.advanceClock(25 * 60 * 60);
    const expired = await h.stripe.checkout.sessions.retrieve(session.id);
    const event = await hook.waitFor(
      'checkout.session.expired',
      (e) => (e.data.object as Stripe.Checkout.Session).id === session.id,
    );

    assert.equal(expired.status, 'expired');
    assert.equal(expired.url, null);
    assert.equal(event.type, 'checkout.session.expired');
  });

  it('refunds a payment in part and then in full, sending charge.refunded', async () => {
    const price = await priceFor(h.stripe, 'one-time');
    const session = await h.stripe.checkout.sessions.create({
      mode: 'payment',
      line_items: [{ price: price.id, quantity: 1 }],
      customer_email: 'refund@example.com',
    });
    await h.control.completeSession(session.id);
    const paymentIntent = (await h.stripe.checkout.sessions.retrieve(session.id))
      .payment_intent as string;

    const partial = await h.stripe.refunds.create({ payment_intent: paymentIntent, amount: 4900 });
    const rest = await h.stripe.refunds.create({ charge: partial.charge as string });
    const again = await h.stripe.refunds
      .create({ charge: partial.charge as string })
      .catch((e: unknown) => e);
    const charge = await h.stripe.charges.retrieve(partial.charge as string);
    const refunded = await hook.waitFor(
      'charge.refunded',
      (e) =>
        (e.data.object as Stripe.Charge).id === charge.id &&
        (e.data.object as Stripe.Charge).refunded,
    );

    assert.equal(partial.amount, 4900);
    assert.equal(rest.amount, 10000);
    assert.equal(charge.amount_refunded, 14900);
    assert.equal(charge.refunded, true);
    assert.ok(again instanceof Stripe.errors.StripeInvalidRequestError);
    assert.equal((refunded.data.object as Stripe.Charge).amount_refunded, 14900);
  });

  it('opens a dispute on a charge through the control API', async () => {
    const subscription = await subscribe('plan_basic', 'dispute@example.com');
    const invoice = await h.stripe.invoices.retrieve(subscription.latest_invoice as string);
    const charges = await h.stripe.charges.list({ customer: invoice.customer as string });

    const dispute = await h.control.disputeCharge(charges.data[0]!.id);
    const event = await hook.waitFor(
      'charge.dispute.created',
      (e) => (e.data.object as Stripe.Dispute).id === dispute.id,
    );

    assert.equal((event.data.object as Stripe.Dispute).charge, charges.data[0]!.id);
    assert.equal((await h.stripe.charges.retrieve(charges.data[0]!.id)).disputed, true);
  });

  it('creates a billing portal session whose page is served locally', async () => {
    const subscription = await subscribe('plan_professional_annual', 'portal@example.com');

    const portal = await h.stripe.billingPortal.sessions.create({
      customer: subscription.customer as string,
      return_url: 'https://shop.example/account',
    });
    const page = await fetch(portal.url);

    assert.match(portal.id, /^bps_/);
    assert.equal(portal.url, `${h.local.url}/p/session/${portal.id}`);
    assert.equal(portal.return_url, 'https://shop.example/account');
    assert.equal(page.status, 200);
  });
});
