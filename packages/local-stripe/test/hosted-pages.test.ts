import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type Stripe from 'stripe';
import { priceFor, startHarnessWithReceiver, type Harness } from './support.ts';
import type { WebhookReceiver } from './webhook-receiver.ts';

// A buyer's whole trip through the hosted pages, as plain form posts: what a browser without
// scripts sends.
describe('local Stripe: the hosted pages on the real core', () => {
  let h: Harness;
  let hook: WebhookReceiver;
  before(async () => {
    ({ h, hook } = await startHarnessWithReceiver());
  });
  after(() => h.close());

  const post = (url: string, fields: Record<string, string>) =>
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
      redirect: 'manual',
    });

  const card = (number: string) => ({
    email: 'page-buyer@example.com',
    billingName: 'Page Buyer',
    cardNumber: number,
    cardExpiry: '12 / 34',
    cardCvc: '123',
  });

  it('applies a promotion code, refuses a declined card, then pays and redirects', async () => {
    const price = await priceFor(h.stripe, 'plan_basic_annual');
    const session = await h.stripe.checkout.sessions.create({
      mode: 'subscription',
      line_items: [{ price: price.id, quantity: 1 }],
      allow_promotion_codes: true,
      success_url: 'https://shop.example/welcome?session_id={CHECKOUT_SESSION_ID}',
      cancel_url: 'https://shop.example/pricing',
    });

    const promoted = await post(`${session.url}/promotion`, { code: 'annual50' });
    const declined = await post(session.url!, card('4000 0000 0000 0002'));
    const declinedPage = await declined.text();
    const paid = await post(session.url!, card('4242 4242 4242 4242'));
    const completed = await h.stripe.checkout.sessions.retrieve(session.id);
    const event = await hook.waitFor(
      'checkout.session.completed',
      (e) => (e.data.object as Stripe.Checkout.Session).id === session.id,
    );

    assert.equal(promoted.status, 303);
    assert.equal(declined.status, 402);
    assert.match(declinedPage, /Your card was declined\./);
    assert.equal(paid.status, 303);
    assert.equal(
      paid.headers.get('location'),
      `https://shop.example/welcome?session_id=${session.id}`,
    );
    assert.equal(completed.amount_total, 4500);
    assert.equal(completed.status, 'complete');
    assert.equal((event.data.object as Stripe.Checkout.Session).amount_total, 4500);
  });

  it('cancels and resumes a plan from the billing portal page', async () => {
    const price = await priceFor(h.stripe, 'plan_professional');
    const session = await h.stripe.checkout.sessions.create({
      mode: 'subscription',
      line_items: [{ price: price.id, quantity: 1 }],
    });
    await h.control.completeSession(session.id);
    const { customer, subscription } = await h.stripe.checkout.sessions.retrieve(session.id);
    const portal = await h.stripe.billingPortal.sessions.create({ customer: customer as string });

    const cancelled = await post(
      `${portal.url}/subscriptions/${subscription as string}/cancel`,
      {},
    );
    const afterCancel = await h.stripe.subscriptions.retrieve(subscription as string);
    const resumed = await post(`${portal.url}/subscriptions/${subscription as string}/resume`, {});
    const afterResume = await h.stripe.subscriptions.retrieve(subscription as string);

    assert.equal(cancelled.status, 303);
    assert.equal(afterCancel.cancel_at_period_end, true);
    assert.equal(resumed.status, 303);
    assert.equal(afterResume.cancel_at_period_end, false);
  });
});
