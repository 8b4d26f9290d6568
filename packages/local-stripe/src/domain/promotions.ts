import type Stripe from 'stripe';
import type { Core } from '../core.ts';

/** Why a coupon can no longer be applied, or null while it can. */
function couponExhaustion(coupon: Stripe.Coupon, now: number): 'expired' | 'redeemed' | null {
  if (coupon.redeem_by !== null && coupon.redeem_by <= now) return 'expired';
  if (coupon.max_redemptions !== null && coupon.times_redeemed >= coupon.max_redemptions) {
    return 'redeemed';
  }
  return null;
}

/**
 * The coupon as Stripe shows it now: `valid` is "taking account of the above properties, whether
 * this coupon can still be applied" (the SDK's Coupon type), so it turns false once `redeem_by`
 * passes or `times_redeemed` reaches `max_redemptions`, without anything being written.
 */
export function liveCoupon(core: Core, coupon: Stripe.Coupon): Stripe.Coupon {
  const valid = coupon.valid && couponExhaustion(coupon, core.clock.now()) === null;
  return valid === coupon.valid ? coupon : { ...coupon, valid };
}

function promotionExhaustion(
  promo: Stripe.PromotionCode,
  now: number,
): 'expired' | 'redeemed' | null {
  if (promo.expires_at !== null && promo.expires_at <= now) return 'expired';
  if (promo.max_redemptions !== null && promo.times_redeemed >= promo.max_redemptions) {
    return 'redeemed';
  }
  return null;
}

/**
 * The promotion code as Stripe shows it now: "A promotion code is only active if the coupon is
 * also valid" (the SDK's PromotionCode type), and not past `expires_at` or `max_redemptions`.
 */
export function livePromotionCode(core: Core, promo: Stripe.PromotionCode): Stripe.PromotionCode {
  const coupon = couponOf(core, promo);
  const active =
    promo.active &&
    promotionExhaustion(promo, core.clock.now()) === null &&
    coupon !== undefined &&
    liveCoupon(core, coupon).valid;
  return active === promo.active ? promo : { ...promo, active };
}

/** Why a coupon cannot be applied to a new Checkout Session, or null when it can. */
export function couponProblem(core: Core, coupon: Stripe.Coupon): string | null {
  if (!coupon.valid) return `Coupon ${coupon.id} is no longer valid.`;
  const exhausted = couponExhaustion(coupon, core.clock.now());
  if (exhausted === 'expired') return `Coupon ${coupon.id} has expired.`;
  if (exhausted === 'redeemed') {
    return `Coupon ${coupon.id} has reached its maximum number of redemptions.`;
  }
  return null;
}

/** Why a promotion code cannot be redeemed right now, or null when it can. */
export function promotionCodeProblem(
  core: Core,
  promo: Stripe.PromotionCode,
  buyer: { customerId: string | null; email: string | null; subtotal: number; currency: string },
): string | null {
  const now = core.clock.now();
  const coupon = couponOf(core, promo);
  if (!promo.active || !coupon || !coupon.valid) return 'This promotion code is inactive.';
  const exhausted = promotionExhaustion(promo, now) ?? couponExhaustion(coupon, now);
  if (exhausted === 'expired') return 'This promotion code has expired.';
  if (exhausted === 'redeemed') {
    return 'This promotion code has reached its maximum number of redemptions.';
  }
  const customer =
    typeof promo.customer === 'string' ? promo.customer : (promo.customer?.id ?? null);
  if (customer !== null && customer !== buyer.customerId) {
    return 'This promotion code cannot be redeemed by this customer.';
  }
  const minimum = promo.restrictions.minimum_amount;
  if (minimum !== null && buyer.subtotal < minimum) {
    return `This promotion code requires a minimum order of ${(minimum / 100).toFixed(2)} ${buyer.currency.toUpperCase()}.`;
  }
  if (promo.restrictions.first_time_transaction && hasPaidBefore(core, buyer)) {
    return 'This promotion code cannot be redeemed because the associated customer has prior transactions.';
  }
  return null;
}

export function couponOf(core: Core, promo: Stripe.PromotionCode): Stripe.Coupon | undefined {
  const coupon = promo.promotion.coupon;
  if (!coupon) return undefined;
  return core.store.coupons.get(typeof coupon === 'string' ? coupon : coupon.id);
}

function hasPaidBefore(
  core: Core,
  buyer: { customerId: string | null; email: string | null },
): boolean {
  const customers = new Set<string>();
  if (buyer.customerId) customers.add(buyer.customerId);
  if (buyer.email) {
    for (const customer of core.store.customers.findBy('email', buyer.email))
      customers.add(customer.id);
  }
  return [...customers].some((id) =>
    core.store.charges.findBy('customer', id).some((charge) => charge.paid),
  );
}

/** Finds an active promotion code by what a buyer typed; codes are case-insensitive. */
export function findPromotionCode(core: Core, code: string): Stripe.PromotionCode | undefined {
  const matches = core.store.promotionCodes.findBy('code', code.trim().toUpperCase());
  return matches.find((p) => p.active) ?? matches[0];
}
