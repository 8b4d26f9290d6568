import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Stripe from 'stripe';
import { priceFor, startHarness, type Harness } from './support.ts';

describe('local Stripe: coupons and promotion codes as Stripe shows them', () => {
  let h: Harness;
  let product: string;
  before(async () => {
    h = await startHarness();
    product = (await priceFor(h.stripe, 'plan_professional')).product as string;
  });
  after(() => h.close());

  async function restrictedCoupon(extra: Partial<Stripe.CouponCreateParams> = {}) {
    return h.stripe.coupons.create({
      percent_off: 10,
      duration: 'once',
      applies_to: { products: [product] },
      ...extra,
    });
  }

  async function sessionWith(discount: Stripe.Checkout.SessionCreateParams.Discount) {
    const price = await priceFor(h.stripe, 'plan_professional');
    return h.stripe.checkout.sessions.create({
      mode: 'subscription',
      line_items: [{ price: price.id, quantity: 1 }],
      discounts: [discount],
      success_url: 'https://shop.example/done',
    });
  }

  async function refusal(request: Promise<unknown>): Promise<Stripe.errors.StripeError> {
    const error = await request.then(
      () => assert.fail('Stripe accepted it'),
      (thrown: unknown) => thrown,
    );
    assert.ok(error instanceof Stripe.errors.StripeInvalidRequestError);
    return error;
  }

  it("leaves a coupon's applies_to out unless expand[]=applies_to asks for it", async () => {
    const created = await restrictedCoupon();

    const plain = await h.stripe.coupons.retrieve(created.id);
    const listed = (await h.stripe.coupons.list({ limit: 100 })).data.find(
      (c) => c.id === created.id,
    );
    const expanded = await h.stripe.coupons.retrieve(created.id, { expand: ['applies_to'] });

    assert.equal(created.applies_to, undefined);
    assert.equal(plain.applies_to, undefined);
    assert.equal(listed?.applies_to, undefined);
    assert.deepEqual(expanded.applies_to, { products: [product] });
  });

  it("shows a promotion code's coupon applies_to only under promotion.coupon.applies_to", async () => {
    const coupon = await restrictedCoupon();
    const promo = await h.stripe.promotionCodes.create({
      promotion: { type: 'coupon', coupon: coupon.id },
      code: 'PROONLY',
    });

    const couponOnly = await h.stripe.promotionCodes.list({
      code: 'PROONLY',
      expand: ['data.promotion.coupon'],
    });
    const withAppliesTo = await h.stripe.promotionCodes.list({
      code: 'PROONLY',
      expand: ['data.promotion.coupon.applies_to'],
    });
    const retrieved = await h.stripe.promotionCodes.retrieve(promo.id, {
      expand: ['promotion.coupon.applies_to'],
    });

    assert.equal((couponOnly.data[0]!.promotion.coupon as Stripe.Coupon).applies_to, undefined);
    assert.deepEqual((withAppliesTo.data[0]!.promotion.coupon as Stripe.Coupon).applies_to, {
      products: [product],
    });
    assert.deepEqual((retrieved.promotion.coupon as Stripe.Coupon).applies_to, {
      products: [product],
    });
  });

  it('turns a coupon invalid and its promotion codes inactive once redeem_by has passed', async () => {
    const now = await h.control.now();
    const coupon = await restrictedCoupon({ redeem_by: now + 3600 });
    const promo = await h.stripe.promotionCodes.create({
      promotion: { type: 'coupon', coupon: coupon.id },
    });

    await h.control.advanceClock(7200);
    const later = await h.stripe.coupons.retrieve(coupon.id);
    const laterPromo = await h.stripe.promotionCodes.retrieve(promo.id);
    const activeCodes = await h.stripe.promotionCodes.list({ coupon: coupon.id, active: true });

    assert.equal(coupon.valid, true);
    assert.equal(promo.active, true);
    assert.equal(later.valid, false);
    assert.equal(laterPromo.active, false);
    assert.deepEqual(activeCodes.data, []);
  });

  it('counts a completed session as a redemption and turns the coupon invalid at max_redemptions', async () => {
    const coupon = await restrictedCoupon({ max_redemptions: 1 });
    const session = await sessionWith({ coupon: coupon.id });

    await h.control.completeSession(session.id);
    const redeemed = await h.stripe.coupons.retrieve(coupon.id);

    assert.equal(redeemed.times_redeemed, 1);
    assert.equal(redeemed.valid, false);
  });

  it('turns a promotion code inactive once it reaches its own max_redemptions', async () => {
    const coupon = await restrictedCoupon();
    const promo = await h.stripe.promotionCodes.create({
      promotion: { type: 'coupon', coupon: coupon.id },
      max_redemptions: 1,
    });
    const session = await sessionWith({ promotion_code: promo.id });

    await h.control.completeSession(session.id);
    const used = await h.stripe.promotionCodes.retrieve(promo.id);
    const stillValid = await h.stripe.coupons.retrieve(coupon.id);

    assert.equal(used.times_redeemed, 1);
    assert.equal(used.active, false);
    assert.equal(stillValid.times_redeemed, 1);
    assert.equal(stillValid.valid, true);
  });

  it('refuses a Checkout Session with a coupon that has been fully redeemed', async () => {
    const coupon = await restrictedCoupon({ max_redemptions: 1 });
    await h.control.completeSession((await sessionWith({ coupon: coupon.id })).id);

    const error = await refusal(sessionWith({ coupon: coupon.id }));

    assert.equal(error.type, 'StripeInvalidRequestError');
    assert.equal(error.code, 'coupon_expired');
    assert.equal(error.param, 'discounts[0][coupon]');
    assert.equal(
      error.message,
      `Coupon ${coupon.id} has reached its maximum number of redemptions.`,
    );
  });

  it('refuses a Checkout Session with a coupon past its redeem_by', async () => {
    const now = await h.control.now();
    const coupon = await restrictedCoupon({ redeem_by: now + 60 });
    await h.control.advanceClock(120);

    const error = await refusal(sessionWith({ coupon: coupon.id }));

    assert.equal(error.code, 'coupon_expired');
    assert.equal(error.param, 'discounts[0][coupon]');
    assert.equal(error.message, `Coupon ${coupon.id} has expired.`);
  });

  it('refuses a Checkout Session with a promotion code whose coupon is used up', async () => {
    const coupon = await restrictedCoupon({ max_redemptions: 1 });
    const promo = await h.stripe.promotionCodes.create({
      promotion: { type: 'coupon', coupon: coupon.id },
    });
    await h.control.completeSession((await sessionWith({ promotion_code: promo.id })).id);

    const error = await refusal(sessionWith({ promotion_code: promo.id }));

    assert.equal(error.param, 'discounts[0][promotion_code]');
    assert.equal(
      error.message,
      'This promotion code has reached its maximum number of redemptions.',
    );
  });
});
