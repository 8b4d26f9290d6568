import Stripe from 'stripe';

export interface ProrationItemInput {
  id: string;
  customer: string;
  subscription: Stripe.Subscription;
  subscriptionItem: string;
  price: Stripe.Price;
  quantity: number;
  amount: number;
  description: string;
  periodStart: number;
  periodEnd: number;
  /** For a credit: the debit it gives back part of. */
  credited: Stripe.InvoiceItem.ProrationDetails.CreditedItems | null;
  created: number;
}

/**
 * A proration as Stripe leaves it pending for the subscription's next invoice. Prorations are
 * never discountable: a discount is already inside the amount ("All invoice items that are
 * prorations are set to discountable=false", docs.stripe.com/billing/subscriptions/prorations).
 */
export function buildProrationItem(input: ProrationItemInput): Stripe.InvoiceItem {
  return {
    id: input.id,
    object: 'invoiceitem',
    amount: input.amount,
    currency: input.price.currency,
    customer: input.customer,
    customer_account: null,
    date: input.created,
    description: input.description,
    discountable: false,
    discounts: [],
    invoice: null,
    livemode: false,
    metadata: {},
    net_amount: input.amount,
    parent: {
      subscription_details: {
        subscription: input.subscription.id,
        subscription_item: input.subscriptionItem,
      },
      type: 'subscription_details',
    },
    period: { end: input.periodEnd, start: input.periodStart },
    pricing: {
      price_details: {
        price: input.price.id,
        product:
          typeof input.price.product === 'string' ? input.price.product : input.price.product.id,
      },
      type: 'price_details',
      unit_amount_decimal: input.price.unit_amount_decimal,
    },
    proration: true,
    proration_details: { credited_items: input.credited, discount_amounts: [] },
    quantity: input.quantity,
    quantity_decimal: Stripe.Decimal.from(input.quantity),
    tax_rates: [],
    test_clock: null,
  };
}
