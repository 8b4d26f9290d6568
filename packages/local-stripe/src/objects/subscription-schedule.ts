import type Stripe from 'stripe';

export interface PhaseInput {
  start: number;
  end: number;
  price: Stripe.Price;
  quantity: number;
  prorationBehavior: Stripe.SubscriptionSchedule.Phase.ProrationBehavior;
  metadata: Record<string, string>;
}

/** One phase of a schedule: the price the subscription has from `start` until `end`. */
export function buildPhase(input: PhaseInput): Stripe.SubscriptionSchedule.Phase {
  return {
    add_invoice_items: [],
    application_fee_percent: null,
    billing_cycle_anchor: null,
    billing_thresholds: null,
    collection_method: null,
    currency: input.price.currency,
    default_payment_method: null,
    default_tax_rates: [],
    description: null,
    discounts: [],
    end_date: input.end,
    invoice_settings: null,
    items: [
      {
        billing_thresholds: null,
        discounts: [],
        metadata: {},
        plan: input.price.id,
        price: input.price.id,
        quantity: input.quantity,
        tax_rates: [],
      },
    ],
    metadata: input.metadata,
    on_behalf_of: null,
    proration_behavior: input.prorationBehavior,
    start_date: input.start,
    transfer_data: null,
    trial_end: null,
  };
}

export interface ScheduleInput {
  id: string;
  subscription: Stripe.Subscription;
  phases: Stripe.SubscriptionSchedule.Phase[];
  metadata: Record<string, string>;
  created: number;
}

/** A schedule that took over a running subscription: active, in its first phase. */
export function buildSchedule(input: ScheduleInput): Stripe.SubscriptionSchedule {
  const first = input.phases[0]!;
  const customer =
    typeof input.subscription.customer === 'string'
      ? input.subscription.customer
      : input.subscription.customer.id;
  return {
    id: input.id,
    object: 'subscription_schedule',
    application: null,
    billing_mode: input.subscription.billing_mode,
    canceled_at: null,
    completed_at: null,
    created: input.created,
    current_phase: { end_date: first.end_date, start_date: first.start_date },
    customer,
    customer_account: null,
    default_settings: {
      application_fee_percent: null,
      automatic_tax: { disabled_reason: null, enabled: false, liability: null },
      billing_cycle_anchor: 'automatic',
      billing_thresholds: null,
      collection_method: 'charge_automatically',
      default_payment_method:
        typeof input.subscription.default_payment_method === 'string'
          ? input.subscription.default_payment_method
          : null,
      description: input.subscription.description,
      invoice_settings: {
        account_tax_ids: null,
        custom_fields: null,
        days_until_due: null,
        description: null,
        footer: null,
        issuer: { type: 'self' },
      },
      on_behalf_of: null,
      transfer_data: null,
    },
    end_behavior: 'release',
    livemode: false,
    metadata: input.metadata,
    pause_schedules: [],
    phases: input.phases,
    released_at: null,
    released_subscription: null,
    status: 'active',
    subscription: input.subscription.id,
    test_clock: null,
  };
}
