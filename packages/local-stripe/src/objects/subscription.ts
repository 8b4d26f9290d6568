import type Stripe from 'stripe';

/** The legacy `plan` view of a recurring price, still part of every subscription item. */
export function planOf(price: Stripe.Price): Stripe.Plan {
  return {
    id: price.id,
    object: 'plan',
    active: price.active,
    amount: price.unit_amount,
    amount_decimal: price.unit_amount_decimal,
    billing_scheme: 'per_unit',
    created: price.created,
    currency: price.currency,
    interval: price.recurring?.interval ?? 'month',
    interval_count: price.recurring?.interval_count ?? 1,
    livemode: false,
    metadata: price.metadata,
    meter: null,
    nickname: price.nickname,
    product: price.product,
    tiers_mode: null,
    transform_usage: null,
    trial_period_days: null,
    usage_type: 'licensed',
  };
}

export interface SubscriptionInput {
  id: string;
  itemId: string;
  customer: string;
  price: Stripe.Price;
  quantity: number;
  periodStart: number;
  periodEnd: number;
  created: number;
  metadata: Record<string, string>;
  description: string | null;
  defaultPaymentMethod: string | null;
  /** A free trial until `end` (then the period's end), and what happens if no card is on file. */
  trial?: { end: number; missingPaymentMethod: MissingPaymentMethod };
}

export type MissingPaymentMethod = 'cancel' | 'create_invoice' | 'pause';

/**
 * A new subscription: `incomplete` until its first invoice is paid, as on Stripe, or `trialing`
 * from the start when it has a trial, billed from the trial's end (its billing cycle anchor).
 */
export function buildSubscription(input: SubscriptionInput): Stripe.Subscription {
  const item: Stripe.SubscriptionItem = {
    id: input.itemId,
    object: 'subscription_item',
    billing_thresholds: null,
    created: input.created,
    current_period_end: input.periodEnd,
    current_period_start: input.periodStart,
    current_trial: null,
    discounts: [],
    metadata: {},
    plan: planOf(input.price),
    price: input.price,
    quantity: input.quantity,
    subscription: input.id,
    tax_rates: [],
  };
  return {
    id: input.id,
    object: 'subscription',
    application: null,
    application_fee_percent: null,
    automatic_tax: { disabled_reason: null, enabled: false, liability: null },
    billing_cycle_anchor: input.trial ? input.trial.end : input.periodStart,
    billing_cycle_anchor_config: null,
    billing_mode: { type: 'flexible', flexible: { proration_discounts: 'included' } },
    billing_schedules: [],
    billing_thresholds: null,
    cancel_at: null,
    cancel_at_period_end: false,
    canceled_at: null,
    cancellation_details: { comment: null, feedback: null, feedback_option: null, reason: null },
    collection_method: 'charge_automatically',
    created: input.created,
    currency: input.price.currency,
    customer: input.customer,
    customer_account: null,
    days_until_due: null,
    default_payment_method: input.defaultPaymentMethod,
    default_source: null,
    default_tax_rates: [],
    description: input.description,
    discounts: [],
    ended_at: null,
    invoice_settings: {
      account_tax_ids: null,
      custom_fields: null,
      description: null,
      footer: null,
      issuer: { type: 'self' },
    },
    items: {
      object: 'list',
      data: [item],
      has_more: false,
      url: `/v1/subscription_items?subscription=${input.id}`,
    },
    latest_invoice: null,
    livemode: false,
    managed_payments: null,
    metadata: input.metadata,
    next_pending_invoice_item_invoice: null,
    on_behalf_of: null,
    pause_collection: null,
    payment_settings: {
      payment_method_options: null,
      payment_method_types: null,
      save_default_payment_method: 'off',
    },
    pending_invoice_item_interval: null,
    pending_setup_intent: null,
    pending_update: null,
    schedule: null,
    start_date: input.created,
    status: input.trial ? 'trialing' : 'incomplete',
    test_clock: null,
    transfer_data: null,
    trial_end: input.trial?.end ?? null,
    trial_settings: {
      end_behavior: {
        billing_cycle_anchor: 'unchanged',
        missing_payment_method: input.trial?.missingPaymentMethod ?? 'create_invoice',
      },
    },
    trial_start: input.trial ? input.created : null,
  };
}

/** The subscription's one item; the product sells one price per subscription. */
export function itemOf(subscription: Stripe.Subscription): Stripe.SubscriptionItem {
  return subscription.items.data[0]!;
}

export function withPeriod(
  subscription: Stripe.Subscription,
  start: number,
  end: number,
): Stripe.Subscription {
  const [item, ...rest] = subscription.items.data;
  return {
    ...subscription,
    items: {
      ...subscription.items,
      data: [{ ...item!, current_period_start: start, current_period_end: end }, ...rest],
    },
  };
}

/** The subscription with its one item changed, e.g. moved to another price. */
export function withItem(
  subscription: Stripe.Subscription,
  change: Partial<Stripe.SubscriptionItem>,
): Stripe.Subscription {
  const [item, ...rest] = subscription.items.data;
  return {
    ...subscription,
    items: { ...subscription.items, data: [{ ...item!, ...change }, ...rest] },
  };
}
