import Stripe from 'stripe';

export interface ProductInput {
  id: string;
  name: string;
  description?: string | null;
  active?: boolean;
  metadata?: Record<string, string>;
  created: number;
}

export function buildProduct(input: ProductInput): Stripe.Product {
  return {
    id: input.id,
    object: 'product',
    active: input.active ?? true,
    created: input.created,
    default_price: null,
    description: input.description ?? null,
    images: [],
    livemode: false,
    marketing_features: [],
    metadata: input.metadata ?? {},
    name: input.name,
    package_dimensions: null,
    shippable: null,
    statement_descriptor: null,
    tax_code: null,
    tax_details: null,
    type: 'service',
    unit_label: null,
    updated: input.created,
    url: null,
  };
}

export type Interval = Stripe.Price.Recurring.Interval;

export interface PriceInput {
  id: string;
  product: string;
  currency: string;
  unitAmount: number;
  recurring: { interval: Interval; intervalCount: number } | null;
  lookupKey?: string | null;
  nickname?: string | null;
  active?: boolean;
  metadata?: Record<string, string>;
  created: number;
}

export function buildPrice(input: PriceInput): Stripe.Price {
  return {
    id: input.id,
    object: 'price',
    active: input.active ?? true,
    billing_scheme: 'per_unit',
    created: input.created,
    currency: input.currency,
    custom_unit_amount: null,
    livemode: false,
    lookup_key: input.lookupKey ?? null,
    metadata: input.metadata ?? {},
    nickname: input.nickname ?? null,
    product: input.product,
    recurring: input.recurring
      ? {
          interval: input.recurring.interval,
          interval_count: input.recurring.intervalCount,
          meter: null,
          trial_period_days: null,
          usage_type: 'licensed',
        }
      : null,
    tax_behavior: 'unspecified',
    tiers_mode: null,
    transform_quantity: null,
    type: input.recurring ? 'recurring' : 'one_time',
    unit_amount: input.unitAmount,
    unit_amount_decimal: Stripe.Decimal.from(input.unitAmount),
  };
}
