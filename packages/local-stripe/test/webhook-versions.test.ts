import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Stripe from 'stripe';
import { priceFor, startHarness, type Harness } from './support.ts';
import { startWebhookReceiver, type WebhookReceiver } from './webhook-receiver.ts';

type LegacySubscription = Stripe.Subscription & {
  current_period_start?: number;
  current_period_end?: number;
};

describe('local Stripe: webhook endpoints receive events in their own API version', () => {
  let h: Harness;
  const receivers: WebhookReceiver[] = [];
  let legacy: WebhookReceiver;
  let pinned: WebhookReceiver;
  let legacyEndpoint: Stripe.WebhookEndpoint;
  let defaulted: Stripe.WebhookEndpoint;

  /** An endpoint made through the API, whose receiver checks signatures with the secret it got. */
  async function endpoint(apiVersion?: Stripe.WebhookEndpointCreateParams.ApiVersion) {
    const created = await h.stripe.webhookEndpoints.create({
      url: 'http://127.0.0.1:9/not-yet',
      enabled_events: ['customer.subscription.created', 'customer.subscription.updated'],
      ...(apiVersion ? { api_version: apiVersion } : {}),
    });
    const receiver = await startWebhookReceiver(created.secret);
    receivers.push(receiver);
    await h.stripe.webhookEndpoints.update(created.id, { url: receiver.url });
    return { created, receiver };
  }

  let subscriptionId: string;
  before(async () => {
    h = await startHarness();
    ({ created: legacyEndpoint, receiver: legacy } = await endpoint('2024-06-20'));
    ({ receiver: pinned } = await endpoint(Stripe.API_VERSION));
    ({ created: defaulted } = await endpoint());
    const price = await priceFor(h.stripe, 'plan_basic');
    const session = await h.stripe.checkout.sessions.create({
      mode: 'subscription',
      line_items: [{ price: price.id, quantity: 1 }],
      success_url: 'https://shop.example/done',
    });
    await h.control.completeSession(session.id);
    subscriptionId = (await h.stripe.checkout.sessions.retrieve(session.id)).subscription as string;
  });
  after(async () => {
    await h.close();
    await Promise.all(receivers.map((r) => r.close()));
  });

  it('keeps the api_version an endpoint was created with, and null when none was given', () => {
    assert.equal(legacyEndpoint.api_version, '2024-06-20');
    assert.equal(defaulted.api_version, null);
  });

  it('sends a 2024-06-20 endpoint the subscription with its period on the subscription, none on the item', async () => {
    const event = await legacy.waitFor('customer.subscription.created');
    const subscription = event.data.object as LegacySubscription;
    const item = subscription.items.data[0]! as Partial<Stripe.SubscriptionItem>;

    assert.equal(event.api_version, '2024-06-20');
    assert.equal(typeof subscription.current_period_start, 'number');
    assert.ok(subscription.current_period_end! > subscription.current_period_start!);
    assert.equal('current_period_start' in item, false);
    assert.equal('current_period_end' in item, false);
  });

  it('sends an endpoint on the pinned version the periods on the items only', async () => {
    const event = await pinned.waitFor('customer.subscription.created');
    const subscription = event.data.object as LegacySubscription;
    const item = subscription.items.data[0]!;

    assert.equal(event.api_version, Stripe.API_VERSION);
    assert.equal('current_period_start' in subscription, false);
    assert.equal('current_period_end' in subscription, false);
    assert.ok(item.current_period_end > item.current_period_start);
  });

  it('answers a request in the version its Stripe-Version asks for', async () => {
    const old = (await h.stripe.subscriptions.retrieve(subscriptionId, undefined, {
      apiVersion: '2024-06-20',
    })) as LegacySubscription;
    const current = (await h.stripe.subscriptions.retrieve(subscriptionId)) as LegacySubscription;

    assert.equal(old.current_period_end, current.items.data[0]!.current_period_end);
    assert.equal('current_period_end' in old.items.data[0]!, false);
    assert.equal('current_period_end' in current, false);
  });

  it('names a renewed period as changed subscription fields for a 2024-06-20 endpoint', async () => {
    const renewed = (event: Stripe.Event) =>
      JSON.stringify(event.data.previous_attributes ?? {}).includes('current_period_end');

    await h.control.advanceClock(32 * 24 * 60 * 60);
    const old = await legacy.waitFor('customer.subscription.updated', renewed);
    const modern = await pinned.waitFor('customer.subscription.updated', renewed);
    const previous = old.data.previous_attributes as Record<string, unknown>;
    const subscription = old.data.object as LegacySubscription;

    assert.equal(typeof previous['current_period_end'], 'number');
    assert.ok(subscription.current_period_end! > (previous['current_period_end'] as number));
    assert.equal('items' in previous, false);
    assert.ok('items' in modern.data.previous_attributes!);
  });
});
