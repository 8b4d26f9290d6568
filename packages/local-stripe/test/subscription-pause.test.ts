import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Stripe from 'stripe';
import { priceFor, startHarnessWithReceiver, type Harness } from './support.ts';
import type { WebhookReceiver } from './webhook-receiver.ts';

const DAY = 86_400;

describe('local Stripe: pausing and resuming subscriptions', () => {
  let h: Harness;
  let hook: WebhookReceiver;
  before(async () => {
    ({ h, hook } = await startHarnessWithReceiver());
  });
  after(() => h.close());

  async function subscribe(email: string): Promise<Stripe.Subscription> {
    const price = await priceFor(h.stripe, 'plan_basic');
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

  const about = (id: string) => (e: Stripe.Event) => (e.data.object as { id: string }).id === id;

  function eventsAbout(id: string): Stripe.Event[] {
    return h.core.store.events.all().filter(about(id)).reverse();
  }

  it('pauses through the API with status_details, sending paused then updated', async () => {
    const subscription = await subscribe('pause@example.com');
    const askedAt = await h.control.now();

    const paused = await h.stripe.subscriptions.pause(subscription.id, { type: 'subscription' });
    const answeredAt = await h.control.now();
    await hook.waitFor('customer.subscription.paused', about(subscription.id));
    const events = eventsAbout(subscription.id).slice(-2);

    assert.equal(paused.status, 'paused');
    // The clock runs: the pause lands in the second it was asked in, or the next one.
    const transitionedAt = paused.status_details?.paused?.transitioned_at ?? 0;
    assert.ok(askedAt <= transitionedAt && transitionedAt <= answeredAt, `${transitionedAt}`);
    assert.deepEqual(paused.status_details, {
      paused: {
        subscription: { type: 'pause_requested' },
        transitioned_at: transitionedAt,
        type: 'subscription',
      },
    });
    assert.deepEqual(
      events.map((e) => e.type),
      ['customer.subscription.paused', 'customer.subscription.updated'],
    );
    assert.deepEqual(events[1]!.data.previous_attributes, {
      status: 'active',
      status_details: null,
    });
  });

  it('does not renew a paused subscription when its period ends', async () => {
    const subscription = await subscribe('paused-renewal@example.com');
    await h.stripe.subscriptions.pause(subscription.id);

    await h.control.advanceClock(40 * DAY);
    const later = await h.stripe.subscriptions.retrieve(subscription.id);
    const invoices = await h.stripe.invoices.list({ subscription: subscription.id });

    assert.equal(later.status, 'paused');
    assert.equal(invoices.data.length, 1);
    assert.deepEqual(
      later.items.data[0]!.current_period_end,
      subscription.items.data[0]!.current_period_end,
    );
  });

  it('resumes into a new period from now, invoiced and paid, sending resumed then updated', async () => {
    const subscription = await subscribe('resume@example.com');
    await h.stripe.subscriptions.pause(subscription.id);
    await h.control.advanceClock(10 * DAY);
    const askedAt = await h.control.now();

    const resumed = await h.stripe.subscriptions.resume(subscription.id);
    const answeredAt = await h.control.now();
    await hook.waitFor('customer.subscription.resumed', about(subscription.id));
    const invoice = await h.stripe.invoices.retrieve(resumed.latest_invoice as string);
    const events = eventsAbout(subscription.id).slice(-2);

    const anchor = resumed.billing_cycle_anchor;
    assert.equal(resumed.status, 'active');
    assert.equal(resumed.status_details, undefined);
    assert.ok(askedAt <= anchor && anchor <= answeredAt, `${anchor}`);
    assert.equal(resumed.items.data[0]!.current_period_start, anchor);
    assert.equal(invoice.status, 'paid');
    assert.equal(invoice.period_start, anchor);
    assert.deepEqual(
      events.map((e) => e.type),
      ['customer.subscription.resumed', 'customer.subscription.updated'],
    );
    const previous = events[1]!.data.previous_attributes as Partial<Stripe.Subscription>;
    assert.equal(previous.status, 'paused');
    assert.equal(previous.status_details?.paused.subscription.type, 'pause_requested');
  });

  it('resumes inside the paused period with an unchanged anchor, charging nothing', async () => {
    const subscription = await subscribe('resume-unchanged@example.com');
    await h.stripe.subscriptions.pause(subscription.id);

    const resumed = await h.stripe.subscriptions.resume(subscription.id, {
      billing_cycle_anchor: { type: 'unchanged' },
    });

    assert.equal(resumed.status, 'active');
    assert.equal(resumed.latest_invoice, subscription.latest_invoice);
    assert.equal(
      resumed.items.data[0]!.current_period_end,
      subscription.items.data[0]!.current_period_end,
    );
  });

  it('stays paused under resume_on_payment_success when the card is declined', async () => {
    const subscription = await subscribe('resume-declined@example.com');
    await h.stripe.subscriptions.pause(subscription.id);
    await h.control.setCustomerCard(subscription.customer as string, '4000000000000341');

    const still = await h.stripe.subscriptions.resume(subscription.id, {
      payment_behavior: 'resume_on_payment_success',
    });
    const invoice = await h.stripe.invoices.retrieve(still.latest_invoice as string);

    assert.equal(still.status, 'paused');
    assert.equal(invoice.status, 'open');
    assert.ok(
      !eventsAbout(subscription.id).some((e) => e.type === 'customer.subscription.resumed'),
    );
  });

  it('refuses to resume a subscription that is not paused, and to pause a canceled one', async () => {
    const subscription = await subscribe('resume-active@example.com');

    const resume = await h.stripe.subscriptions.resume(subscription.id).catch((e: unknown) => e);
    await h.stripe.subscriptions.cancel(subscription.id);
    const pause = await h.stripe.subscriptions.pause(subscription.id).catch((e: unknown) => e);

    assert.ok(resume instanceof Stripe.errors.StripeInvalidRequestError);
    assert.match(resume.message, /Only a paused subscription can be resumed/);
    assert.ok(pause instanceof Stripe.errors.StripeInvalidRequestError);
    assert.equal((await h.stripe.subscriptions.retrieve(subscription.id)).status, 'canceled');
  });

  it('pauses through the control API as a trial ending without a payment method would', async () => {
    const subscription = await subscribe('trial-end@example.com');

    const paused = await h.control.pauseSubscription(subscription.id);
    await hook.waitFor('customer.subscription.paused', about(subscription.id));

    assert.equal(paused.status, 'paused');
    assert.equal(
      paused.status_details?.paused.subscription.type,
      'trial_end_without_payment_method',
    );
  });

  it('pauses payment collection on update without changing the status', async () => {
    const subscription = await subscribe('pause-collection@example.com');

    const updated = await h.stripe.subscriptions.update(subscription.id, {
      pause_collection: { behavior: 'void' },
    });
    const event = await hook.waitFor(
      'customer.subscription.updated',
      (e) =>
        about(subscription.id)(e) &&
        (e.data.object as Stripe.Subscription).pause_collection !== null,
    );
    const cleared = await h.stripe.subscriptions.update(subscription.id, { pause_collection: '' });

    assert.equal(updated.status, 'active');
    assert.deepEqual(updated.pause_collection, { behavior: 'void', resumes_at: null });
    assert.deepEqual(event.data.previous_attributes, { pause_collection: null });
    assert.equal(cleared.pause_collection, null);
    assert.equal(
      eventsAbout(subscription.id).filter((e) => e.type === 'customer.subscription.paused').length,
      0,
    );
  });
});
