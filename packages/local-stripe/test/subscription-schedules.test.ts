import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import Stripe from 'stripe';
import { compareShape, type ShapeContext } from './fidelity/compare-shape.ts';
import { loadShapes } from './fidelity/sdk-types.ts';
import { priceFor, startHarnessWithReceiver, type Harness } from './support.ts';
import type { WebhookReceiver } from './webhook-receiver.ts';

const FIXTURES = new URL('./fidelity/stripe-openapi/fixtures3.json', import.meta.url);

describe('local Stripe: subscription schedules for changes at the period end', () => {
  let h: Harness;
  let hook: WebhookReceiver;
  let shapes: ShapeContext;
  let basic: Stripe.Price;
  let pro: Stripe.Price;
  before(async () => {
    ({ h, hook } = await startHarnessWithReceiver());
    const samples = (
      JSON.parse(readFileSync(FIXTURES, 'utf8')) as { resources: Record<string, unknown> }
    ).resources;
    shapes = { samples, shapes: loadShapes() };
    basic = await priceFor(h.stripe, 'plan_basic');
    pro = await priceFor(h.stripe, 'plan_professional');
  });
  after(() => h.close());

  async function subscribe(email: string, price: Stripe.Price): Promise<Stripe.Subscription> {
    const session = await h.stripe.checkout.sessions.create({
      mode: 'subscription',
      line_items: [{ price: price.id, quantity: 1 }],
      customer_email: email,
      success_url: 'https://shop.example/done',
    });
    await h.control.completeSession(session.id);
    const completed = await h.stripe.checkout.sessions.retrieve(session.id);
    return h.stripe.subscriptions.retrieve(completed.subscription as string);
  }

  const about = (id: string) => (e: Stripe.Event) => (e.data.object as { id: string }).id === id;

  it('downgrades at the period end: the next phase switches the price before the renewal bills it', async () => {
    const subscription = await subscribe('downgrade@example.com', pro);
    const item = subscription.items.data[0]!;

    const schedule = await h.stripe.subscriptionSchedules.create({
      from_subscription: subscription.id,
    });
    const attached = await h.stripe.subscriptions.retrieve(subscription.id);
    const updated = await h.stripe.subscriptionSchedules.update(schedule.id, {
      phases: [
        {
          items: [{ price: pro.id, quantity: 1 }],
          start_date: schedule.phases[0]!.start_date,
          end_date: schedule.phases[0]!.end_date,
        },
        { items: [{ price: basic.id, quantity: 1 }] },
      ],
    });
    const preview = await h.stripe.invoices.createPreview({ subscription: subscription.id });
    await hook.waitFor('subscription_schedule.updated', about(schedule.id));

    assert.equal(schedule.status, 'active');
    assert.equal(schedule.subscription, subscription.id);
    assert.deepEqual(schedule.current_phase, {
      start_date: item.current_period_start,
      end_date: item.current_period_end,
    });
    assert.equal(attached.schedule, schedule.id);
    assert.equal(updated.phases[1]!.start_date, item.current_period_end);
    assert.equal(preview.amount_due, 900, 'the preview bills the next phase');
    assert.deepEqual(compareShape(JSON.parse(JSON.stringify(updated)), shapes), []);

    await h.control.advanceClock(item.current_period_end - (await h.control.now()) + 60);
    const moved = await h.stripe.subscriptions.retrieve(subscription.id);
    const [renewal] = (await h.stripe.invoices.list({ subscription: subscription.id })).data;
    const entered = await h.stripe.subscriptionSchedules.retrieve(schedule.id);
    const change = await hook.waitFor(
      'customer.subscription.updated',
      (e) =>
        about(subscription.id)(e) &&
        (e.data.object as Stripe.Subscription).items.data[0]!.price.id === basic.id,
    );

    assert.equal(moved.items.data[0]!.price.id, basic.id);
    assert.equal(renewal!.amount_paid, 900);
    assert.equal(renewal!.billing_reason, 'subscription_cycle');
    assert.equal(entered.current_phase!.start_date, item.current_period_end);
    const previous = change.data.previous_attributes as Partial<Stripe.Subscription>;
    assert.equal(previous.items!.data[0]!.price.id, pro.id);

    await h.control.advanceClock(entered.current_phase!.end_date - (await h.control.now()) + 60);
    const completed = await h.stripe.subscriptionSchedules.retrieve(schedule.id);
    const released = await h.stripe.subscriptions.retrieve(subscription.id);
    await hook.waitFor('subscription_schedule.completed', about(schedule.id));

    assert.equal(completed.status, 'completed');
    assert.equal(released.schedule, null);
    assert.equal(released.status, 'active');
    assert.equal(released.items.data[0]!.price.id, basic.id);
  });

  it('releases a schedule, leaving the subscription as it is', async () => {
    const subscription = await subscribe('release@example.com', pro);
    const schedule = await h.stripe.subscriptionSchedules.create({
      from_subscription: subscription.id,
    });

    const released = await h.stripe.subscriptionSchedules.release(schedule.id);
    const after = await h.stripe.subscriptions.retrieve(subscription.id);
    await hook.waitFor('subscription_schedule.released', about(schedule.id));

    assert.equal(released.status, 'released');
    assert.equal(released.released_subscription, subscription.id);
    assert.equal(released.subscription, null);
    assert.equal(after.schedule, null);
    assert.equal(after.status, 'active');
  });

  it('cancels a schedule and its subscription', async () => {
    const subscription = await subscribe('cancel-schedule@example.com', pro);
    const schedule = await h.stripe.subscriptionSchedules.create({
      from_subscription: subscription.id,
    });

    const canceled = await h.stripe.subscriptionSchedules.cancel(schedule.id);
    const after = await h.stripe.subscriptions.retrieve(subscription.id);
    const listed = await h.stripe.subscriptionSchedules.list({
      customer: subscription.customer as string,
    });

    assert.equal(canceled.status, 'canceled');
    assert.equal(after.status, 'canceled');
    assert.deepEqual(
      listed.data.map((s) => s.id),
      [schedule.id],
    );
  });

  it('refuses a second schedule for the same subscription, and phases beside from_subscription', async () => {
    const subscription = await subscribe('twice@example.com', pro);
    const schedule = await h.stripe.subscriptionSchedules.create({
      from_subscription: subscription.id,
    });

    const again = await h.stripe.subscriptionSchedules
      .create({ from_subscription: subscription.id })
      .catch((e: unknown) => e);
    const mixed = await h.stripe.subscriptionSchedules
      .create({ from_subscription: subscription.id, phases: [{ items: [{ price: basic.id }] }] })
      .catch((e: unknown) => e);

    assert.ok(again instanceof Stripe.errors.StripeInvalidRequestError);
    assert.match(again.message, new RegExp(`already attached to a schedule: \`${schedule.id}\``));
    assert.ok(mixed instanceof Stripe.errors.StripeInvalidRequestError);
    assert.equal(mixed.param, 'phases');
  });
});
