import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type Stripe from 'stripe';
import { priceFor, startHarnessWithReceiver, type Harness } from './support.ts';
import type { WebhookReceiver } from './webhook-receiver.ts';

const DAY = 86_400;
const AUTHENTICATION_REQUIRED = '4000002760003184';

describe('local Stripe: a renewal that needs 3D Secure', () => {
  let h: Harness;
  let hook: WebhookReceiver;
  before(async () => {
    ({ h, hook } = await startHarnessWithReceiver());
  });
  after(() => h.close());

  async function subscribe(email: string, card?: string): Promise<Stripe.Subscription> {
    const price = await priceFor(h.stripe, 'plan_basic');
    const session = await h.stripe.checkout.sessions.create({
      mode: 'subscription',
      line_items: [{ price: price.id, quantity: 1 }],
      customer_email: email,
      success_url: 'https://shop.example/done',
    });
    await h.control.completeSession(session.id, card ? { card } : {});
    const completed = await h.stripe.checkout.sessions.retrieve(session.id, {
      expand: ['subscription'],
    });
    return completed.subscription as Stripe.Subscription;
  }

  it('leaves the renewal invoice open with its payment intent in requires_action', async () => {
    const subscription = await subscribe('three-ds@example.com');
    const customer = subscription.customer as string;
    await h.control.setCustomerCard(customer, AUTHENTICATION_REQUIRED);

    await h.control.advanceClock(32 * DAY);
    const renewed = await h.stripe.subscriptions.retrieve(subscription.id);
    const invoice = await h.stripe.invoices.retrieve(renewed.latest_invoice as string);
    const intents = await h.stripe.paymentIntents.list({ customer });
    const actions = await h.stripe.events.list({ type: 'invoice.payment_action_required' });
    const action = actions.data.find((e) => (e.data.object as Stripe.Invoice).id === invoice.id);
    const types = h.core.store.events
      .all()
      .reverse()
      .filter((e) => {
        const object = e.data.object as { id: string; customer?: unknown };
        return object.id === invoice.id || object.customer === customer;
      })
      .map((e) => e.type);
    const renewal = types.slice(types.lastIndexOf('invoice.created'));

    assert.equal(invoice.status, 'open');
    assert.equal(invoice.billing_reason, 'subscription_cycle');
    assert.equal(invoice.hosted_invoice_url, `${h.local.url}/i/${invoice.id}`);
    assert.equal(
      (action?.data.object as Stripe.Invoice | undefined)?.hosted_invoice_url,
      invoice.hosted_invoice_url,
    );
    assert.equal(intents.data[0]!.status, 'requires_action');
    assert.equal(intents.data[0]!.next_action?.type, 'use_stripe_sdk');
    assert.equal(intents.data[0]!.latest_charge, null);
    assert.equal(renewed.status, 'past_due');
    assert.deepEqual(
      renewal.filter((t) => t.startsWith('invoice.') || t.startsWith('payment_intent.')),
      [
        'invoice.created',
        'invoice.finalized',
        'payment_intent.created',
        'payment_intent.requires_action',
        'invoice.payment_failed',
        'invoice.payment_action_required',
      ],
    );
    await hook.waitFor('invoice.payment_action_required', (e) => e.id === action!.id);
  });

  it('takes the first payment on the hosted page, where the buyer is there to authenticate', async () => {
    const subscription = await subscribe('three-ds-checkout@example.com', AUTHENTICATION_REQUIRED);

    const invoice = await h.stripe.invoices.retrieve(subscription.latest_invoice as string);

    assert.equal(subscription.status, 'active');
    assert.equal(invoice.status, 'paid');
  });
});
