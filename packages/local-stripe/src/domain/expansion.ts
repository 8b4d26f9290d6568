import type { Core } from '../core.ts';
import type { Resolver } from '../wire/expand.ts';
import { lineItemsList } from './line-items.ts';
import { liveCoupon, livePromotionCode } from './promotions.ts';

/** Which collection each expandable field's id points into. */
export function resolver(core: Core): Resolver {
  const { store } = core;
  const byField: Record<string, (id: string) => unknown> = {
    customer: (id) => store.customers.get(id),
    subscription: (id) => store.subscriptions.get(id),
    schedule: (id) => store.subscriptionSchedules.get(id),
    latest_invoice: (id) => store.invoices.get(id),
    invoice: (id) => store.invoices.get(id),
    product: (id) => store.products.get(id),
    price: (id) => store.prices.get(id),
    default_price: (id) => store.prices.get(id),
    payment_intent: (id) => store.paymentIntents.get(id),
    latest_charge: (id) => store.charges.get(id),
    charge: (id) => store.charges.get(id),
    coupon: (id) => {
      const coupon = store.coupons.get(id);
      return coupon && liveCoupon(core, coupon);
    },
    promotion_code: (id) => {
      const promo = store.promotionCodes.get(id);
      return promo && livePromotionCode(core, promo);
    },
  };
  return (field, value, parent) => {
    if (field === 'line_items' && parent['object'] === 'checkout.session') {
      return lineItemsList(core, String(parent['id']), { limit: 100 });
    }
    if (typeof value !== 'string') return undefined;
    const lookup = byField[field];
    if (!lookup) return undefined;
    return lookup(value) ?? null;
  };
}
