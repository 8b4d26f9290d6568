import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Stripe from 'stripe';
import { priceFor, startHarnessWithReceiver, type Harness } from './support.ts';
import type { WebhookReceiver } from './webhook-receiver.ts';

const DAY = 86_400;

describe('local Stripe: free trials, with and without a card', () => {
  let h: Harness;
  let hook: WebhookReceiver;
  let basic: Stripe.Price;
  before(async () => {
    ({ h, hook } = await startHarnessWithReceiver());
    basic = await priceFor(h.stripe, 'plan_basic');
  });
  after(() => h.close());

  const about = (id: string) => (e: Stripe.Event) => (e.data.object as { id: string }).id === id;
  const eventsAbout = (id: string) => h.core.store.events.all().filter(about(id)).reverse();

  const post = (url: string, fields: Record<string, string>) =>
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
      redirect: 'manual',
    });

  function trialSession(
    email: string,
    extra: Partial<Stripe.Checkout.SessionCreateParams> = {},
  ): Promise<Stripe.Checkout.Session> {
    return h.stripe.checkout.sessions.create({
      mode: 'subscription',
      line_items: [{ price: basic.id, quantity: 1 }],
      customer_email: email,
      success_url: 'https://shop.example/done',
      subscription_data: { trial_period_days: 14 },
      ...extra,
    });
  }

  async function subscriptionOf(session: Stripe.Checkout.Session): Promise<Stripe.Subscription> {
    const completed = await h.stripe.checkout.sessions.retrieve(session.id);
    return h.stripe.subscriptions.retrieve(completed.subscription as string);
  }

  it('starts trialing with a $0 invoice, warns three days ahead, then charges the card', async () => {
    const session = await trialSession('trial-card@example.com');
    const start = await h.control.now();
    await h.control.completeSession(session.id);
    const completed = await h.stripe.checkout.sessions.retrieve(session.id);
    const subscription = await subscriptionOf(session);
    const [first] = (await h.stripe.invoices.list({ subscription: subscription.id })).data;

    assert.equal(session.amount_total, 0);
    assert.equal(completed.payment_status, 'no_payment_required');
    assert.equal(subscription.status, 'trialing');
    assert.equal(subscription.trial_start, subscription.start_date);
    assert.ok(Math.abs(subscription.trial_end! - (start + 14 * DAY)) <= 2);
    assert.equal(subscription.billing_cycle_anchor, subscription.trial_end);
    assert.equal(subscription.items.data[0]!.current_period_end, subscription.trial_end);
    assert.equal(first!.amount_paid, 0);
    assert.equal(first!.status, 'paid');
    assert.equal(first!.lines.data[0]!.description, 'Trial period for Basic');

    await h.control.advanceClock(subscription.trial_end! - start - 3 * DAY + 60);
    const warning = await hook.waitFor(
      'customer.subscription.trial_will_end',
      about(subscription.id),
    );
    assert.equal(warning.created, subscription.trial_end! - 3 * DAY);
    assert.equal((await h.stripe.subscriptions.retrieve(subscription.id)).status, 'trialing');

    await h.control.advanceClock(3 * DAY);
    const active = await h.stripe.subscriptions.retrieve(subscription.id);
    const [charged] = (await h.stripe.invoices.list({ subscription: subscription.id })).data;

    assert.equal(active.status, 'active');
    assert.equal(active.items.data[0]!.current_period_start, subscription.trial_end);
    assert.equal(charged!.billing_reason, 'subscription_cycle');
    assert.equal(charged!.amount_paid, 900);
    assert.equal(
      eventsAbout(subscription.id).filter((e) => e.type === 'customer.subscription.trial_will_end')
        .length,
      1,
    );
  });

  it('the hosted page offers "Start trial" without a card form when no card is required', async () => {
    const session = await trialSession('no-card-page@example.com', {
      payment_method_collection: 'if_required',
    });
    const carded = await trialSession('card-page@example.com');

    const page = await (await fetch(session.url!)).text();
    const cardPage = await (await fetch(carded.url!)).text();
    const started = await post(session.url!, { email: 'no-card-page@example.com' });
    const subscription = await subscriptionOf(session);

    assert.match(page, /Start trial/);
    assert.match(page, /14 days free/);
    assert.doesNotMatch(page, /name="cardNumber"/);
    assert.match(cardPage, /name="cardNumber"/);
    assert.equal(started.status, 303);
    assert.equal(subscription.status, 'trialing');
    assert.equal(subscription.default_payment_method, null);
  });

  it('a session that charges today still needs a card under if_required', async () => {
    const session = await h.stripe.checkout.sessions.create({
      mode: 'subscription',
      line_items: [{ price: basic.id, quantity: 1 }],
      customer_email: 'charge-today@example.com',
      payment_method_collection: 'if_required',
      success_url: 'https://shop.example/done',
    });

    const page = await (await fetch(session.url!)).text();
    const refused = await post(session.url!, { email: 'charge-today@example.com' });

    assert.match(page, /name="cardNumber"/);
    assert.equal(refused.status, 400);
    assert.equal((await h.stripe.checkout.sessions.retrieve(session.id)).status, 'open');
  });

  async function cardlessTrial(email: string, missing: 'cancel' | 'pause' | 'create_invoice') {
    const session = await trialSession(email, {
      payment_method_collection: 'if_required',
      subscription_data: {
        trial_period_days: 7,
        trial_settings: { end_behavior: { missing_payment_method: missing } },
      },
    });
    await post(session.url!, { email });
    const subscription = await subscriptionOf(session);
    await h.control.advanceClock(subscription.trial_end! - (await h.control.now()) + 60);
    return { before: subscription, after: await h.stripe.subscriptions.retrieve(subscription.id) };
  }

  it('without a card, a trial ends canceled, paused or past_due as its end behavior says', async () => {
    const canceled = await cardlessTrial('trial-cancel@example.com', 'cancel');
    const paused = await cardlessTrial('trial-pause@example.com', 'pause');
    const invoiced = await cardlessTrial('trial-invoice@example.com', 'create_invoice');
    const [unpaid] = (await h.stripe.invoices.list({ subscription: invoiced.after.id })).data;

    assert.equal(canceled.before.trial_settings?.end_behavior.missing_payment_method, 'cancel');
    assert.equal(canceled.after.status, 'canceled');
    assert.equal(canceled.after.ended_at, canceled.before.trial_end);
    assert.ok(
      eventsAbout(canceled.after.id).some((e) => e.type === 'customer.subscription.deleted'),
    );
    assert.equal(paused.after.status, 'paused');
    assert.equal(
      paused.after.status_details?.paused?.subscription?.type,
      'trial_end_without_payment_method',
    );
    assert.ok(eventsAbout(paused.after.id).some((e) => e.type === 'customer.subscription.paused'));
    assert.equal(invoiced.after.status, 'past_due');
    assert.equal(unpaid!.status, 'open');
    assert.equal(unpaid!.amount_due, 900);
    assert.equal(
      h.core.store.charges.findBy('customer', invoiced.after.customer as string).length,
      0,
    );
  });

  it('subscriptions.create takes trial_end; trial_end=now ends the trial and invoices at once', async () => {
    const customer = await h.stripe.customers.create({ email: 'api-trial@example.com' });
    await h.control.setCustomerCard(customer.id, '4242424242424242');
    const now = await h.control.now();

    const created = await h.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: basic.id }],
      trial_end: now + 10 * DAY,
    });
    const extended = await h.stripe.subscriptions.update(created.id, { trial_end: now + 12 * DAY });
    const endedFrom = await h.control.now();
    const ended = await h.stripe.subscriptions.update(created.id, {
      trial_end: 'now',
      expand: ['latest_invoice'],
    });
    await hook.waitFor('customer.subscription.trial_will_end', about(created.id));

    assert.equal(created.status, 'trialing');
    assert.equal(created.trial_end, now + 10 * DAY);
    assert.equal(extended.trial_end, now + 12 * DAY);
    assert.equal(extended.items.data[0]!.current_period_end, now + 12 * DAY);
    assert.equal(ended.status, 'active');
    // The clock runs in real time here, so the anchor is the second the update was served.
    const endedBy = await h.control.now();
    assert.ok(ended.billing_cycle_anchor >= endedFrom && ended.billing_cycle_anchor <= endedBy);
    assert.equal((ended.latest_invoice as Stripe.Invoice).amount_paid, 900);
  });

  it('refuses a Checkout trial that ends within 48 hours, and a customer without a card and no trial', async () => {
    const now = await h.control.now();
    const soon = await h.stripe.checkout.sessions
      .create({
        mode: 'subscription',
        line_items: [{ price: basic.id, quantity: 1 }],
        success_url: 'https://shop.example/done',
        subscription_data: { trial_end: now + DAY },
      })
      .catch((e: unknown) => e);
    const customer = await h.stripe.customers.create({ email: 'no-card@example.com' });
    const cardless = await h.stripe.subscriptions
      .create({ customer: customer.id, items: [{ price: basic.id }] })
      .catch((e: unknown) => e);

    assert.ok(soon instanceof Stripe.errors.StripeInvalidRequestError);
    assert.equal(soon.param, 'subscription_data[trial_end]');
    assert.ok(cardless instanceof Stripe.errors.StripeInvalidRequestError);
    assert.match(cardless.message, /no attached payment source or default payment method/);
  });
});
