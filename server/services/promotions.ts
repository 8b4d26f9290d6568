import type Stripe from 'stripe';
import type { CatalogEntry } from '../../shared/index.ts';
import { AppError } from '../errors.ts';
import type { PriceInfo } from './catalog.ts';

export interface AppliedPromotion {
  id: string;
  code: string;
  amountDiscount: number;
  amountTotal: number;
  /** What it takes off, e.g. "20% off" or "$5.00 off". */
  label: string;
}

export interface PromotionContext {
  entry: CatalogEntry;
  price: PriceInfo;
  customerId: string | undefined;
  /** Whether this buyer has paid before; first-time-only codes are refused then. */
  hasPaidBefore: boolean;
}

const refused = (message: string) => new AppError('promotion_code_invalid', message);

/**
 * Looks a code up in Stripe and checks every rule Stripe would check at payment time, so the
 * buyer hears why a code is refused before the redirect rather than on Stripe's page.
 */
export async function resolvePromotionCode(
  stripe: Stripe,
  code: string,
  context: PromotionContext,
): Promise<AppliedPromotion> {
  const list = await stripe.promotionCodes.list({
    code,
    limit: 10,
    // A coupon's applies_to is "an expandable field, meaning that it's not included in the
    // response by default" (stripe/stripe-node#2234); four levels is as deep as Stripe expands.
    expand: ['data.promotion.coupon.applies_to'],
  });
  const promotion = list.data.find(
    (candidate) =>
      candidate.code.toUpperCase() === code &&
      (!candidate.customer || candidate.customer === context.customerId),
  );
  if (!promotion) throw refused(`Promotion code ${code} does not exist`);

  const now = Math.floor(Date.now() / 1000);
  const coupon = promotion.promotion.coupon as Stripe.Coupon | null;
  if (promotion.expires_at !== null && promotion.expires_at <= now) {
    throw refused(`Promotion code ${code} has expired`);
  }
  if (!promotion.active || !coupon?.valid)
    throw refused(`Promotion code ${code} is no longer active`);
  if (promotion.max_redemptions !== null && promotion.times_redeemed >= promotion.max_redemptions) {
    throw refused(`Promotion code ${code} has been fully redeemed`);
  }
  // No list, or an empty one, restricts nothing.
  const products = coupon.applies_to?.products ?? [];
  const billing = promotion.metadata?.billing;
  if (
    (products.length > 0 && !products.includes(context.price.productId)) ||
    (billing && billing !== context.entry.billing)
  ) {
    const only = billing ? ` It applies to ${billing} billing only.` : '';
    throw refused(`Promotion code ${code} does not apply to this plan.${only}`);
  }
  if (promotion.restrictions.first_time_transaction && context.hasPaidBefore) {
    throw refused(`Promotion code ${code} is for first-time customers only`);
  }
  const minimum = minimumIn(promotion.restrictions, context.price.currency);
  const otherCurrency = () =>
    refused(
      `Promotion code ${code} does not apply to prices in ${context.price.currency.toUpperCase()}`,
    );
  if (minimum === 'other currency') throw otherCurrency();
  if (minimum !== null && context.price.amount < minimum) {
    throw refused(
      `Promotion code ${code} needs an order of at least ${money(minimum, context.price.currency)}`,
    );
  }
  if (coupon.amount_off !== null && coupon.currency !== context.price.currency)
    throw otherCurrency();

  const amountDiscount =
    coupon.percent_off !== null
      ? Math.round((context.price.amount * coupon.percent_off) / 100)
      : Math.min(coupon.amount_off ?? 0, context.price.amount);
  return {
    id: promotion.id,
    code,
    amountDiscount,
    amountTotal: context.price.amount - amountDiscount,
    label:
      coupon.percent_off !== null
        ? `${coupon.percent_off}% off`
        : `${money(coupon.amount_off ?? 0, context.price.currency)} off`,
  };
}

/**
 * The code's minimum order in `currency`: `minimum_amount` counts in `minimum_amount_currency`, and
 * `currency_options` adds minimums in others. A code with a minimum in none of them is refused by
 * Stripe ("The promotion code default currency (usd) does not match the line item currency
 * (eur)", hugodemenez/deltalytix#508), so it is refused here.
 */
function minimumIn(
  restrictions: Stripe.PromotionCode.Restrictions,
  currency: string,
): number | null | 'other currency' {
  if (restrictions.minimum_amount === null) return null;
  if (restrictions.minimum_amount_currency === currency) return restrictions.minimum_amount;
  return restrictions.currency_options?.[currency]?.minimum_amount ?? 'other currency';
}

/** Stripe counts in the currency's minor unit; Intl knows how many digits that unit has (0 for JPY). */
export function money(amount: number, currency: string): string {
  const format = new Intl.NumberFormat('en-US', { style: 'currency', currency });
  return format.format(amount / 10 ** format.resolvedOptions().maximumFractionDigits!);
}
