import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Stripe from 'stripe';
import { priceFor, promotionCodeFor, startHarness, type Harness } from './support.ts';

describe('local Stripe: prices, promotion codes and Checkout sessions through the SDK', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  it('seeds every catalog price under its lookup key', async () => {
    const prices = await h.stripe.prices.list({
      lookup_keys: [
        'weekly',
        'one-time',
        'plan_basic',
        'plan_basic_annual',
        'plan_professional',
        'plan_professional_annual',
      ],
      expand: ['data.product'],
      limit: 10,
    });

    const byKey = Object.fromEntries(prices.data.map((p) => [p.lookup_key, p]));
    assert.equal(prices.data.length, 6);
    assert.equal(byKey['weekly']?.unit_amount, 499);
    assert.equal(byKey['weekly']?.recurring?.interval, 'week');
    assert.equal(byKey['one-time']?.type, 'one_time');
    assert.equal((byKey['plan_professional_annual']?.product as Stripe.Product).name, 'Pro');
    assert.equal((byKey['plan_basic_annual']?.product as Stripe.Product).name, 'Basic');
  });

  it('finds promotion codes by code, with the coupon expandable', async () => {
    const codes = await h.stripe.promotionCodes.list({
      code: 'LAUNCH20',
      active: true,
      expand: ['data.promotion.coupon'],
    });

    assert.equal(codes.data.length, 1);
    const coupon = codes.data[0]!.promotion.coupon as Stripe.Coupon;
    assert.equal(coupon.percent_off, 20);
    assert.equal(coupon.duration, 'once');
  });

  it('reports the expired code as inactive and keeps ANNUAL50 metadata', async () => {
    const expired = await h.stripe.promotionCodes.list({ code: 'EXPIRED10' });
    const annual = await promotionCodeFor(h.stripe, 'ANNUAL50');
    const welcome = await promotionCodeFor(h.stripe, 'WELCOME');

    assert.equal(expired.data[0]?.active, false);
    assert.deepEqual(annual.metadata, { billing: 'annual' });
    assert.equal(welcome.restrictions.first_time_transaction, true);
  });

  it('creates a subscription session with a promotion code and the discounted totals', async () => {
    const price = await priceFor(h.stripe, 'plan_professional');
    const promo = await promotionCodeFor(h.stripe, 'LAUNCH20');

    const session = await h.stripe.checkout.sessions.create({
      mode: 'subscription',
      line_items: [{ price: price.id, quantity: 1 }],
      discounts: [{ promotion_code: promo.id }],
      success_url: 'https://shop.example/success?session_id={CHECKOUT_SESSION_ID}',
      cancel_url: 'https://shop.example/cancel',
      client_reference_id: 'user_1',
      metadata: { userId: 'user_1' },
      expand: ['line_items'],
    });

    assert.match(session.id, /^cs_test_[A-Za-z0-9]{58}$/);
    assert.equal(session.status, 'open');
    assert.equal(session.payment_status, 'unpaid');
    assert.equal(session.ui_mode, 'hosted_page');
    assert.equal(session.url, `${h.local.url}/c/pay/${session.id}`);
    assert.equal(session.amount_subtotal, 1900);
    assert.equal(session.amount_total, 1520);
    assert.equal(session.total_details?.amount_discount, 380);
    assert.deepEqual(session.metadata, { userId: 'user_1' });
    assert.equal(session.line_items?.data[0]?.price?.id, price.id);
    assert.equal(session.line_items?.data[0]?.amount_discount, 380);
    assert.ok(session.expires_at - session.created === 24 * 60 * 60);
  });

  it('retrieves, lists and expires a session, dropping its url once closed', async () => {
    const price = await priceFor(h.stripe, 'one-time');
    const created = await h.stripe.checkout.sessions.create({
      mode: 'payment',
      line_items: [{ price: price.id, quantity: 2 }],
      customer_email: 'buyer@example.com',
      allow_promotion_codes: true,
    });

    const retrieved = await h.stripe.checkout.sessions.retrieve(created.id);
    const open = await h.stripe.checkout.sessions.list({ status: 'open', limit: 100 });
    const expired = await h.stripe.checkout.sessions.expire(created.id);
    const lineItems = await h.stripe.checkout.sessions.listLineItems(created.id);

    assert.equal(retrieved.amount_total, 29800);
    assert.ok(open.data.some((s) => s.id === created.id));
    assert.equal(expired.status, 'expired');
    assert.equal(expired.url, null);
    assert.equal(lineItems.data[0]?.quantity, 2);
    assert.equal(lineItems.url, `/v1/checkout/sessions/${created.id}/line_items`);
  });

  it("refuses an unknown price with Stripe's message and param", async () => {
    const error = await h.stripe.checkout.sessions
      .create({ mode: 'payment', line_items: [{ price: 'price_x', quantity: 1 }] })
      .catch((e: unknown) => e);

    assert.ok(error instanceof Stripe.errors.StripeInvalidRequestError);
    assert.equal(error.statusCode, 400);
    assert.equal(error.code, 'resource_missing');
    assert.equal(error.message, "No such price: 'price_x'");
    assert.equal(error.param, 'line_items[0][price]');
  });

  it('refuses an inactive price', async () => {
    const price = await h.stripe.prices.create({
      currency: 'usd',
      unit_amount: 100,
      product_data: { name: 'Old' },
      active: false,
    });

    const error = await h.stripe.checkout.sessions
      .create({ mode: 'payment', line_items: [{ price: price.id, quantity: 1 }] })
      .catch((e: unknown) => e);

    assert.ok(error instanceof Stripe.errors.StripeInvalidRequestError);
    assert.match(error.message, /inactive/);
    assert.equal(error.param, 'line_items[0][price]');
  });

  it('refuses allow_promotion_codes together with discounts', async () => {
    const price = await priceFor(h.stripe, 'weekly');
    const promo = await promotionCodeFor(h.stripe, 'LAUNCH20');

    const error = await h.stripe.checkout.sessions
      .create({
        mode: 'subscription',
        line_items: [{ price: price.id, quantity: 1 }],
        allow_promotion_codes: true,
        discounts: [{ promotion_code: promo.id }],
      })
      .catch((e: unknown) => e);

    assert.ok(error instanceof Stripe.errors.StripeInvalidRequestError);
    assert.equal(
      error.message,
      'You may only specify one of these parameters: allow_promotion_codes, discounts.',
    );
  });

  it('refuses an expires_at less than 30 minutes or more than 24 hours away', async () => {
    const price = await priceFor(h.stripe, 'one-time');
    const now = await h.control.now();
    const attempt = (expiresAt: number) =>
      h.stripe.checkout.sessions
        .create({
          mode: 'payment',
          line_items: [{ price: price.id, quantity: 1 }],
          expires_at: expiresAt,
        })
        .catch((e: unknown) => e);

    const tooSoon = await attempt(now + 10 * 60);
    const tooLate = await attempt(now + 25 * 60 * 60);

    assert.ok(tooSoon instanceof Stripe.errors.StripeInvalidRequestError);
    assert.equal(tooSoon.param, 'expires_at');
    assert.match(tooSoon.message, /30 minutes/);
    assert.ok(tooLate instanceof Stripe.errors.StripeInvalidRequestError);
    assert.match(tooLate.message, /24 hours/);
  });

  it('refuses a recurring price in payment mode', async () => {
    const price = await priceFor(h.stripe, 'plan_basic');

    const error = await h.stripe.checkout.sessions
      .create({ mode: 'payment', line_items: [{ price: price.id, quantity: 1 }] })
      .catch((e: unknown) => e);

    assert.ok(error instanceof Stripe.errors.StripeInvalidRequestError);
    assert.match(error.message, /recurring price/);
  });

  it('pages through lists with starting_after and ending_before', async () => {
    const created = [];
    for (let i = 0; i < 3; i += 1) {
      created.push(
        await h.stripe.customers.create({
          email: `pager${i}@example.com`,
          metadata: { batch: 'pager' },
        }),
      );
    }

    const first = await h.stripe.customers.list({ limit: 2 });
    const second = await h.stripe.customers.list({ limit: 2, starting_after: first.data[1]!.id });
    const back = await h.stripe.customers.list({ limit: 2, ending_before: second.data[0]!.id });

    assert.deepEqual(
      first.data.map((c) => c.id),
      [created[2]!.id, created[1]!.id],
    );
    assert.equal(first.has_more, true);
    assert.equal(second.data[0]!.id, created[0]!.id);
    assert.deepEqual(
      back.data.map((c) => c.id),
      first.data.map((c) => c.id),
    );
  });

  it('finds customers by email and by metadata search', async () => {
    const customer = await h.stripe.customers.create({
      email: 'found@example.com',
      metadata: { userId: 'u_found' },
    });

    const byEmail = await h.stripe.customers.list({ email: 'found@example.com' });
    const bySearch = await h.stripe.customers.search({ query: "metadata['userId']:'u_found'" });

    assert.deepEqual(
      byEmail.data.map((c) => c.id),
      [customer.id],
    );
    assert.deepEqual(
      bySearch.data.map((c) => c.id),
      [customer.id],
    );
  });
});
