import type Stripe from 'stripe';

export type PortalConfiguration = Stripe.BillingPortal.Configuration;
export type PortalFeatures = Stripe.BillingPortal.Configuration.Features;

/** Every feature off, as a configuration created through the API starts until it asks for more. */
export function defaultFeatures(): PortalFeatures {
  return {
    customer_update: { allowed_updates: [], enabled: false },
    invoice_history: { enabled: false },
    payment_method_update: { enabled: false, payment_method_configuration: null },
    subscription_cancel: {
      cancellation_reason: { enabled: false, feedback_options: null, options: [] },
      enabled: false,
      mode: 'at_period_end',
      proration_behavior: 'none',
    },
    subscription_pause: {
      duration: {
        interval_options: [{ interval: 'month', interval_count: 1 }],
        type: 'interval_options',
      },
      enabled: false,
    },
    subscription_update: {
      billing_cycle_anchor: null,
      default_allowed_updates: [],
      enabled: false,
      products: [],
      proration_behavior: 'none',
      schedule_at_period_end: { conditions: [] },
      trial_update_behavior: 'end_trial',
    },
  };
}

export function buildPortalConfiguration(input: {
  id: string;
  /** Only the configuration saved in the Dashboard is the default; the API never creates one. */
  isDefault: boolean;
  features: PortalFeatures;
  businessProfile?: Partial<Stripe.BillingPortal.Configuration.BusinessProfile>;
  defaultReturnUrl?: string | null;
  name?: string | null;
  metadata?: Record<string, string>;
  created: number;
}): PortalConfiguration {
  return {
    id: input.id,
    object: 'billing_portal.configuration',
    active: true,
    application: null,
    business_profile: {
      headline: null,
      privacy_policy_url: null,
      terms_of_service_url: null,
      ...input.businessProfile,
    },
    created: input.created,
    default_return_url: input.defaultReturnUrl ?? null,
    features: input.features,
    is_default: input.isDefault,
    livemode: false,
    login_page: { enabled: false, url: null },
    metadata: input.metadata ?? {},
    name: input.name ?? null,
    updated: input.created,
  };
}

const PRODUCTS_PATH = 'features.subscription_update.products';

/**
 * The configuration as the API shows it. `features.subscription_update.products` is includable:
 * Stripe leaves it out unless `expand[]` names it (the SDK marks it optional, and Stripe's own
 * sample object has no such key).
 */
export function presentConfiguration(
  configuration: PortalConfiguration,
  expand: readonly string[] | undefined,
  prefix = '',
): PortalConfiguration {
  if (expand?.includes(`${prefix}${PRODUCTS_PATH}`)) return configuration;
  const subscriptionUpdate = { ...configuration.features.subscription_update };
  delete subscriptionUpdate.products;
  return {
    ...configuration,
    features: { ...configuration.features, subscription_update: subscriptionUpdate },
  };
}

/** The `expand[]` paths left once the includable products are taken out. */
export function otherExpansions(expand: readonly string[] | undefined, prefix = ''): string[] {
  return (expand ?? []).filter((path) => path !== `${prefix}${PRODUCTS_PATH}`);
}
