import type Stripe from 'stripe';
import type { Core } from '../core.ts';
import type { SessionState } from '../store/store.ts';
import { discountLines } from './discounts.ts';

/** Recomputes a session's line and total amounts from its line items and applied coupon. */
export function priceSession(
  core: Core,
  session: Stripe.Checkout.Session,
  state: SessionState,
): { session: Stripe.Checkout.Session; state: SessionState } {
  const coupon = state.couponId ? (core.store.coupons.get(state.couponId) ?? null) : null;
  const priced = discountLines(state.lineItems, coupon);
  const lineItems = state.lineItems.map((line, index) => {
    const { subtotal, discount } = priced[index]!;
    return {
      ...line,
      amount_discount: discount,
      amount_subtotal: subtotal,
      amount_total: subtotal - discount,
    };
  });
  // A trial's session totals what is due today: nothing. The line items keep their prices.
  const subtotal = state.trial ? 0 : lineItems.reduce((sum, line) => sum + line.amount_subtotal, 0);
  const discount = state.trial ? 0 : lineItems.reduce((sum, line) => sum + line.amount_discount, 0);
  return {
    session: {
      ...session,
      amount_subtotal: subtotal,
      amount_total: subtotal - discount,
      discounts:
        state.couponId || state.promotionCodeId
          ? [
              {
                coupon: state.promotionCodeId ? null : state.couponId,
                promotion_code: state.promotionCodeId,
              },
            ]
          : [],
      total_details: { amount_discount: discount, amount_shipping: 0, amount_tax: 0 },
    },
    state: { ...state, lineItems },
  };
}
