import type Stripe from 'stripe';
import type { CatalogEntry } from '../../shared/index.ts';

export interface TrialOffer {
  days: number;
  /** Goes into the session's `subscription_data`. */
  subscriptionData: Pick<
    Stripe.Checkout.SessionCreateParams.SubscriptionData,
    'trial_period_days' | 'trial_settings'
  >;
  /** Checkout asks for no card (`payment_method_collection: if_required`). */
  cardOptional: boolean;
}

/**
 * The free trial a checkout of `entry` starts, if any. One per buyer: a buyer who ever subscribed
 * here, trial or not, is sold the plan at once. Without a required card, the entry says what a
 * trial that ends with none becomes; Stripe's own default, `create_invoice`, would leave the buyer
 * past_due with an invoice nothing can pay (docs.stripe.com/billing/subscriptions/trials).
 */
export function trialOffer(
  entry: CatalogEntry,
  hasSubscribedBefore: boolean,
): TrialOffer | undefined {
  if (!entry.trialDays || entry.mode !== 'subscription' || hasSubscribedBefore) return undefined;
  const cardOptional = !entry.trialCardRequired;
  return {
    days: entry.trialDays,
    subscriptionData: {
      trial_period_days: entry.trialDays,
      ...(cardOptional && {
        trial_settings: { end_behavior: { missing_payment_method: entry.trialEndWithoutCard } },
      }),
    },
    cardOptional,
  };
}
