import type Stripe from 'stripe';

export interface PricedLine {
  /** Before the discount, in minor units. */
  subtotal: number;
  discount: number;
}

function productOf(line: Stripe.LineItem): string | null {
  const product = line.price?.product;
  if (!product) return null;
  return typeof product === 'string' ? product : product.id;
}

/**
 * What a coupon takes off each line. An amount-off coupon is shared across the lines it applies to
 * in proportion to their subtotals; rounding leftovers go to the last line so the parts add up.
 */
export function discountLines(
  lines: Stripe.LineItem[],
  coupon: Stripe.Coupon | null,
): PricedLine[] {
  const priced = lines.map((line) => ({ subtotal: line.amount_subtotal, discount: 0 }));
  if (!coupon) return priced;
  const products = coupon.applies_to?.products;
  const eligible = lines
    .map((line, index) => ({ line, index }))
    .filter(({ line }) => !products || products.includes(productOf(line) ?? ''));
  const eligibleTotal = eligible.reduce((sum, { index }) => sum + priced[index]!.subtotal, 0);
  if (eligibleTotal === 0) return priced;
  if (coupon.percent_off !== null) {
    for (const { index } of eligible) {
      const line = priced[index]!;
      line.discount = Math.round((line.subtotal * coupon.percent_off) / 100);
    }
    return priced;
  }
  const amountOff = Math.min(coupon.amount_off ?? 0, eligibleTotal);
  let left = amountOff;
  eligible.forEach(({ index }, position) => {
    const line = priced[index]!;
    const share =
      position === eligible.length - 1
        ? left
        : Math.floor((amountOff * line.subtotal) / eligibleTotal);
    line.discount = Math.min(share, line.subtotal);
    left -= line.discount;
  });
  return priced;
}

export function couponAppliesTo(lines: Stripe.LineItem[], coupon: Stripe.Coupon): boolean {
  const products = coupon.applies_to?.products;
  return !products || lines.some((line) => products.includes(productOf(line) ?? ''));
}
