import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type Stripe from 'stripe';
import { priceFor, promotionCodeFor, startHarnessWithReceiver, type Harness } from './support.ts';
import { startWebhookReceiver, type WebhookReceiver } from './webhook-receiver.ts';

describe('local Stripe: paying for a Checkout session', () => {
  let h: Harness;
  let hook: WebhookReceiver;
  before(async () => {
    ({ h, hook } = await startHarnessWithReceiver());
  });
  after(() => h.close());
  beforeEach(() => {
    hook.events.length = 0;
  });

  const forSession = (id: string) => (event: Stripe.Event) =>
    (event.data.object as { id?: string }).id === id;

  async function subscriptionSession(
    lookupKey = 'plan_basic',
    extra: Partial<Stripe.Checkout.SessionCreateParams> = {},
  ) {
    const price = await priceFor(h.stripe, lookupKey);
    return h.stripe.checkout.sessions.create({
      mode: 'subscription',
      line_items: [{ price: price.id, quantity: 1 }],
      success_url: 'https://shop.example/done?session_id={CHECKOUT_SESSION_ID}',
      cancel_url: 'https://shop.example/cancel',
      metadata: { userId: 'user_sub' },
      ...extra,
    });
  }

  it('completes a subscription session and redirects with the session id', async () => {
    const session = await subscriptionSession('plan_basic', { customer_email: 'sub@example.com' });

    const result = await h.control.completeSession(session.id);
    const completed = await h.stripe.checkout.sessions.retrieve(session.id, {
      expand: ['subscription', 'customer'],
    });

    assert.deepEqual(result, {
      ok: true,
      redirectUrl: `https://shop.example/done?session_id=${session.id}`,
    });
    assert.equal(completed.status, 'complete');
    assert.equal(completed.payment_status, 'paid');
    assert.equal(completed.url, null);
    const subscription = completed.subscription as Stripe.Subscription;
    assert.equal(subscription.status, 'active');
    assert.equal(subscription.items.data[0]!.price.lookup_key, 'plan_basic');
    assert.ok(
      subscription.items.data[0]!.current_period_end >
        subscription.items.data[0]!.current_period_start,
    );
    assert.equal((completed.customer as Stripe.Customer).email, 'sub@example.com');
    assert.equal(completed.customer_details?.email, 'sub@example.com');
  });

  it("sends signed events in Stripe's order for a subscription", async () => {
    const session = await subscriptionSession();

    await h.control.completeSession(session.id);
    await hook.waitFor('checkout.session.completed', forSession(session.id));

    const customer = (await h.stripe.checkout.sessions.retrieve(session.id)).customer;
    const mine = hook.events.filter((e) => {
      const object = e.data.object as { id: string; customer?: unknown };
      return object.id === customer || object.customer === customer;
    });
    const types = mine.map((e) => e.type);
    const order = [
      'customer.created',
      'customer.subscription.created',
      'invoice.paid',
      'customer.subscription.updated',
      'checkout.session.completed',
    ];
    const positions = order.map((type) => types.indexOf(type as Stripe.Event.Type));
    assert.ok(
      positions.every((p) => p >= 0),
      `missing events in ${types.join(', ')}`,
    );
    assert.deepEqual(
      [...positions].sort((a, b) => a - b),
      positions,
    );
    assert.equal(hook.rejected, 0);
    const updated = mine.find((e) => e.type === 'customer.subscription.updated')!;
    assert.deepEqual(updated.data.previous_attributes, {
      default_payment_method: null,
      status: 'incomplete',
    });
  });

  it('creates a paid invoice and payment intent for the first period', async () => {
    const session = await subscriptionSession('plan_professional_annual');

    await h.control.completeSession(session.id);
    const completed = await h.stripe.checkout.sessions.retrieve(session.id);
    const invoice = await h.stripe.invoices.retrieve(completed.invoice as string);
    const subscription = await h.stripe.subscriptions.retrieve(completed.subscription as string);

    assert.equal(invoice.status, 'paid');
    assert.equal(invoice.amount_paid, 19000);
    assert.equal(invoice.billing_reason, 'subscription_create');
    assert.equal(invoice.parent?.subscription_details?.subscription, subscription.id);
    assert.equal(subscription.latest_invoice, invoice.id);
  });

  it('completes a payment session with a payment intent and charge', async () => {
    const price = await priceFor(h.stripe, 'one-time');
    const session = await h.stripe.checkout.sessions.create({
      mode: 'payment',
      line_items: [{ price: price.id, quantity: 1 }],
      success_url: 'https://shop.example/thanks',
      payment_intent_data: { metadata: { userId: 'u_once' } },
    });

    await h.control.completeSession(session.id);
    const completed = await h.stripe.checkout.sessions.retrieve(session.id, {
      expand: ['payment_intent'],
    });
    const intent = completed.payment_intent as Stripe.PaymentIntent;
    const event = await hook.waitFor('checkout.session.completed', forSession(session.id));

    assert.equal(intent.status, 'succeeded');
    assert.equal(intent.amount_received, 14900);
    assert.deepEqual(intent.metadata, { userId: 'u_once' });
    assert.equal(typeof intent.latest_charge, 'string');
    assert.equal((event.data.object as Stripe.Checkout.Session).payment_status, 'paid');
  });

  it('leaves the session open when the card is declined', async () => {
    const session = await subscriptionSession();

    const declined = await h.control.completeSession(session.id, { card: '4000000000000002' });
    const insufficient = await h.control.completeSession(session.id, {
      card: '4000 0000 0000 9995',
    });
    const still = await h.stripe.checkout.sessions.retrieve(session.id);

    assert.deepEqual(declined, {
      ok: false,
      code: 'card_declined',
      message: 'Your card was declined.',
    });
    assert.deepEqual(insufficient, {
      ok: false,
      code: 'card_declined',
      message: 'Your card has insufficient funds.',
    });
    assert.equal(still.status, 'open');
  });

  it('refuses to pay for an expired session', async () => {
    const session = await subscriptionSession();
    await h.stripe.checkout.sessions.expire(session.id);

    const result = await h.control.completeSession(session.id);

    assert.equal(result.ok, false);
    assert.equal(result.ok === false && result.code, 'expired_session');
  });

  it('counts a redeemed promotion code and refuses WELCOME to a returning customer', async () => {
    const welcome = await promotionCodeFor(h.stripe, 'WELCOME');
    const first = await subscriptionSession('plan_basic', {
      customer_email: 'returning@example.com',
      discounts: [{ promotion_code: welcome.id }],
    });
    await h.control.completeSession(first.id);

    const second = await subscriptionSession('plan_professional', {
      customer_email: 'returning@example.com',
    });
    const refused = await h.stripe.checkout.sessions
      .create({
        mode: 'subscription',
        line_items: [{ price: (await priceFor(h.stripe, 'plan_basic')).id, quantity: 1 }],
        customer: (await h.stripe.checkout.sessions.retrieve(first.id)).customer as string,
        discounts: [{ promotion_code: welcome.id }],
      })
      .catch((e: unknown) => e as Error);
    const after = await h.stripe.promotionCodes.retrieve(welcome.id);

    assert.equal(after.times_redeemed, 1);
    assert.ok(second.id);
    assert.match((refused as Error).message, /prior transactions/);
  });

  it('lists events newest first and retrieves one by id', async () => {
    const session = await subscriptionSession();
    await h.control.completeSession(session.id);

    const list = await h.stripe.events.list({ type: 'checkout.session.completed', limit: 1 });
    const event = await h.stripe.events.retrieve(list.data[0]!.id);

    assert.equal((event.data.object as Stripe.Checkout.Session).id, session.id);
    assert.equal(event.api_version, '2026-10-28.endive');
    assert.equal(event.livemode, false);
    assert.deepEqual(event.request, { id: null, idempotency_key: null });
  });

  it('names the API request that caused an event', async () => {
    await h.stripe.customers.create(
      { email: 'evented@example.com' },
      { idempotencyKey: 'evt-key-1' },
    );

    const event = await hook.waitFor(
      'customer.created',
      (e) => (e.data.object as Stripe.Customer).email === 'evented@example.com',
    );

    assert.match(event.request?.id ?? '', /^req_/);
    assert.equal(event.request?.idempotency_key, 'evt-key-1');
  });
});

describe('local Stripe: webhook delivery', () => {
  let h: Harness;
  let hook: WebhookReceiver;
  before(async () => {
    ({ h, hook } = await startHarnessWithReceiver());
  });
  after(() => h.close());

  it('retries a delivery that failed', async () => {
    hook.failNext(2);

    const customer = await h.stripe.customers.create({ email: 'retry@example.com' });
    await hook.waitFor(
      'customer.created',
      (e) => (e.data.object as Stripe.Customer).id === customer.id,
    );
    const deliveries = await h.control.listDeliveries();

    const delivery = deliveries.find((d) => d.event_type === 'customer.created')!;
    assert.equal(delivery.status, 'succeeded');
    assert.equal(delivery.attempts, 3);
  });

  it('holds webhooks until asked, then delivers them duplicated', async () => {
    await h.control.holdWebhooks(true);
    const before = hook.events.length;
    await h.stripe.customers.create({ email: 'held@example.com' });
    const whileHeld = hook.events.length;

    const sent = await h.control.deliverPending({ duplicate: true, shuffle: true });
    await h.control.holdWebhooks(false);

    assert.equal(whileHeld, before);
    assert.equal(sent, 2);
    assert.equal(hook.events.length, before + 2);
    assert.equal(hook.events.at(-1)!.id, hook.events.at(-2)!.id);
  });

  it('creates endpoints through the API and signs with their own secret', async () => {
    const other = await startWebhookReceiver('placeholder');
    const endpoint = await h.stripe.webhookEndpoints.create({
      url: other.url,
      enabled_events: ['customer.created'],
    });
    const signed = await startWebhookReceiver(endpoint.secret!);
    await h.stripe.webhookEndpoints.update(endpoint.id, { url: signed.url });

    await h.stripe.customers.create({ email: 'endpoint@example.com' });
    const event = await signed.waitFor('customer.created');

    assert.match(endpoint.secret ?? '', /^whsec_/);
    assert.equal((event.data.object as Stripe.Customer).email, 'endpoint@example.com');
    await other.close();
    await signed.close();
  });
});
