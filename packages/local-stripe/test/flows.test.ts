import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type Stripe from 'stripe';
import type { Core } from '../src/core.ts';
import { createCheckoutFlow } from '../src/flows/checkout-flow.ts';
import { createPortalFlow } from '../src/flows/portal-flow.ts';
import { priceFor, startHarness, type Harness } from './support.ts';

// The flows are what the hosted pages call; the tests call them on the harness's own core.
describe('local Stripe: the flows behind the hosted pages', () => {
  let h: Harness;
  let core: Core;
  before(async () => {
    h = await startHarness();
    core = h.core;
  });
  after(() => h.close());

  const card = (number: string) => ({
    email: 'page@example.com',
    name: 'Page Buyer',
    number,
    expMonth: 12,
    expYear: 2040,
    cvc: '123',
  });

  async function session(
    lookupKey: string,
    extra: Partial<Stripe.Checkout.SessionCreateParams> = {},
  ) {
    const price = await priceFor(h.stripe, lookupKey);
    return h.stripe.checkout.sessions.create({
      mode: lookupKey === 'one-time' ? 'payment' : 'subscription',
      line_items: [{ price: price.id, quantity: 1 }],
      allow_promotion_codes: true,
      success_url: 'https://shop.example/ok?id={CHECKOUT_SESSION_ID}',
      cancel_url: 'https://shop.example/back',
      ...extra,
    });
  }

  it('shows the product, price and interval of an open session', async () => {
    const created = await session('plan_professional_annual');

    const view = createCheckoutFlow(core).view(created.id);

    assert.equal(view?.status, 'open');
    assert.deepEqual(
      view?.lines.map((l) => [l.productName, l.unitAmount, l.interval]),
      [['Pro', 19000, 'year']],
    );
    assert.equal(view?.amountTotal, 19000);
    assert.equal(view?.allowPromotionCodes, true);
    assert.equal(view?.cancelUrl, 'https://shop.example/back');
  });

  it('applies a typed promotion code and takes it off again', async () => {
    const created = await session('plan_basic_annual');
    const flow = createCheckoutFlow(core);

    const applied = flow.applyPromotionCode(created.id, ' launch20 ');
    const removed = flow.removePromotionCode(created.id);
    const viaApi = await h.stripe.checkout.sessions.retrieve(created.id);

    assert.ok(applied.ok);
    assert.equal(applied.view.amountDiscount, 1800);
    assert.deepEqual(applied.view.discount, { code: 'LAUNCH20', label: '20% off' });
    assert.ok(removed.ok);
    assert.equal(removed.view.discount, null);
    assert.equal(viaApi.amount_total, 9000);
  });

  it('refuses unknown and expired codes', async () => {
    const created = await session('plan_basic');
    const flow = createCheckoutFlow(core);

    const unknown = flow.applyPromotionCode(created.id, 'NOPE');
    const expired = flow.applyPromotionCode(created.id, 'EXPIRED10');

    assert.deepEqual(unknown, { ok: false, message: 'This code is invalid.' });
    assert.equal(expired.ok, false);
  });

  it('pays, keeps a declined card on the page, and redirects with the session id', async () => {
    const created = await session('one-time');
    const flow = createCheckoutFlow(core);

    const declined = flow.pay(created.id, card('4000 0000 0000 0002'));
    const paid = flow.pay(created.id, card('4242 4242 4242 4242'));

    assert.deepEqual(declined, {
      ok: false,
      code: 'card_declined',
      message: 'Your card was declined.',
    });
    assert.deepEqual(paid, { ok: true, redirectUrl: `https://shop.example/ok?id=${created.id}` });
    assert.equal(flow.view(created.id)?.status, 'complete');
  });

  it('cancels and resumes from the portal', async () => {
    const created = await session('plan_basic');
    createCheckoutFlow(core).pay(created.id, card('4242424242424242'));
    const completed = await h.stripe.checkout.sessions.retrieve(created.id);
    const portal = await h.stripe.billingPortal.sessions.create({
      customer: completed.customer as string,
    });
    const flow = createPortalFlow(core);

    const cancelled = flow.cancelAtPeriodEnd(portal.id, completed.subscription as string);
    const resumed = flow.resume(portal.id, completed.subscription as string);

    assert.ok('subscriptions' in cancelled && cancelled.subscriptions[0]!.cancelAtPeriodEnd);
    assert.ok('subscriptions' in resumed && !resumed.subscriptions[0]!.cancelAtPeriodEnd);
    assert.equal('invoices' in resumed && resumed.invoices[0]!.amountPaid, 900);
  });

  it('refuses a subscription of another customer in the portal', async () => {
    const created = await session('plan_basic');
    createCheckoutFlow(core).pay(created.id, card('4242424242424242'));
    const other = await h.stripe.customers.create({ email: 'other@example.com' });
    const portal = await h.stripe.billingPortal.sessions.create({ customer: other.id });

    const result = createPortalFlow(core).cancelAtPeriodEnd(
      portal.id,
      (await h.stripe.checkout.sessions.retrieve(created.id)).subscription as string,
    );

    assert.deepEqual(result, { message: 'That subscription is not part of this account.' });
  });
});
