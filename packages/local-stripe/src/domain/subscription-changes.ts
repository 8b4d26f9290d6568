import type Stripe from 'stripe';
import type { Core } from '../core.ts';
import { itemOf } from '../objects/subscription.ts';
import { emitEvent, previousAttributes } from './events.ts';

type Reason = 'cancellation_requested' | 'payment_failed';

/** Saves a changed subscription and sends customer.subscription.updated if anything changed. */
export function saveSubscription(
  core: Core,
  before: Stripe.Subscription,
  after: Stripe.Subscription,
): Stripe.Subscription {
  core.store.subscriptions.update(after);
  const previous = previousAttributes(before, after);
  if (Object.keys(previous).length > 0) {
    emitEvent(core, 'customer.subscription.updated', after, previous);
  }
  return after;
}

/** Cancels at the end of the current period, or takes that back. Call inside a transaction. */
export function setCancelAtPeriodEnd(
  core: Core,
  subscription: Stripe.Subscription,
  cancel: boolean,
): Stripe.Subscription {
  const now = core.clock.now();
  return saveSubscription(core, subscription, {
    ...subscription,
    cancel_at_period_end: cancel,
    cancel_at: cancel ? itemOf(subscription).current_period_end : null,
    canceled_at: cancel ? now : null,
    cancellation_details: {
      comment: subscription.cancellation_details?.comment ?? null,
      feedback: subscription.cancellation_details?.feedback ?? null,
      feedback_option: null,
      reason: cancel ? 'cancellation_requested' : null,
    },
  });
}

/** Ends the subscription now, with customer.subscription.deleted. Call inside a transaction. */
export function cancelSubscription(
  core: Core,
  subscription: Stripe.Subscription,
  reason: Reason | null,
  details: {
    comment?: string | undefined;
    feedback?: Stripe.Subscription.CancellationDetails.Feedback | undefined;
  } = {},
): Stripe.Subscription {
  const now = core.clock.now();
  const canceled: Stripe.Subscription = {
    ...subscription,
    status: 'canceled',
    canceled_at: subscription.canceled_at ?? now,
    ended_at: now,
    cancel_at_period_end: false,
    cancellation_details: {
      comment: details.comment ?? subscription.cancellation_details?.comment ?? null,
      feedback: details.feedback ?? subscription.cancellation_details?.feedback ?? null,
      feedback_option: null,
      reason,
    },
  };
  core.store.subscriptions.update(canceled, {
    ...core.store.subscriptions.internal(subscription.id)!,
    nextRetryAt: null,
  });
  emitEvent(core, 'customer.subscription.deleted', canceled);
  return canceled;
}
