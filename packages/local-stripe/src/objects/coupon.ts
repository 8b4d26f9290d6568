import type Stripe from 'stripe';

export interface CouponInput {
  id: string;
  name: string | null;
  percentOff: number | null;
  amountOff: number | null;
  currency: string | null;
  duration: Stripe.Coupon.Duration;
  durationInMonths: number | null;
  maxRedemptions: number | null;
  redeemBy: number | null;
  appliesToProducts: string[] | null;
  metadata?: Record<string, string>;
  created: number;
}

export function buildCoupon(input: CouponInput): Stripe.Coupon {
  return {
    id: input.id,
    object: 'coupon',
    amount_off: input.amountOff,
    ...(input.appliesToProducts ? { applies_to: { products: input.appliesToProducts } } : {}),
    created: input.created,
    currency: input.currency,
    duration: input.duration,
    duration_in_months: input.durationInMonths,
    livemode: false,
    max_redemptions: input.maxRedemptions,
    metadata: input.metadata ?? {},
    name: input.name,
    percent_off: input.percentOff,
    redeem_by: input.redeemBy,
    times_redeemed: 0,
    valid: true,
  };
}

/** "20% off" or "$5.00 off", as Checkout labels a discount. */
export function couponLabel(coupon: Stripe.Coupon): string {
  if (coupon.percent_off !== null) return `${coupon.percent_off}% off`;
  const amount = ((coupon.amount_off ?? 0) / 100).toFixed(2);
  return `${(coupon.currency ?? 'usd').toUpperCase() === 'USD' ? '$' : ''}${amount} off`;
}

export interface PromotionCodeInput {
  id: string;
  code: string;
  coupon: string;
  active: boolean;
  customer: string | null;
  expiresAt: number | null;
  maxRedemptions: number | null;
  firstTimeTransaction: boolean;
  minimumAmount: number | null;
  minimumAmountCurrency: string | null;
  metadata?: Record<string, string>;
  created: number;
}

export function buildPromotionCode(input: PromotionCodeInput): Stripe.PromotionCode {
  return {
    id: input.id,
    object: 'promotion_code',
    active: input.active,
    code: input.code,
    created: input.created,
    customer: input.customer,
    customer_account: null,
    expires_at: input.expiresAt,
    livemode: false,
    max_redemptions: input.maxRedemptions,
    metadata: input.metadata ?? {},
    promotion: { coupon: input.coupon, type: 'coupon' },
    restrictions: {
      first_time_transaction: input.firstTimeTransaction,
      minimum_amount: input.minimumAmount,
      minimum_amount_currency: input.minimumAmountCurrency,
    },
    times_redeemed: 0,
  };
}
