import type Stripe from 'stripe';
import type { Core } from '../core.ts';
import { itemOf, withPeriod } from '../objects/subscription.ts';
import { newId } from '../store/ids.ts';
import { invalidRequest } from '../wire/errors.ts';
import { cardOf, invoiceSubscription } from './billing.ts';
import { emitEvent, previousAttributes } from './events.ts';
import { addInterval } from './periods.ts';

/** Why a subscription is paused, as `status_details.paused.subscription.type` says it. */
export type PauseReason = 'pause_requested' | 'trial_end_without_payment_method';

export interface ResumeOptions {
  /** `now` starts a new period today; `unchanged` keeps the period dates. */
  billingCycleAnchor: 'now' | 'unchanged';
  /**
   * `resume_on_payment_attempt` (Stripe's default) resumes whatever the payment does and leaves a
   * failed one `past_due`; `resume_on_payment_success` stays paused until the invoice is paid.
   */
  paymentBehavior: 'resume_on_payment_attempt' | 'resume_on_payment_success';
}

/** What changed, counting fields that appear (shown as null before) or go away. */
function changes(before: Stripe.Subscription, after: Stripe.Subscription): Record<string, unknown> {
  const previous = previousAttributes(before, after);
  for (const key of Object.keys(after)) if (!(key in before)) previous[key] = null;
  for (const key of Object.keys(before) as (keyof Stripe.Subscription)[]) {
    if (!(key in after)) previous[key] = before[key];
  }
  return previous;
}

/**
 * Pauses a subscription: `status: paused` with `status_details`, no invoices and no new periods
 * until it resumes. Stripe notifies with customer.subscription.paused and
 * customer.subscription.updated (docs.stripe.com/billing/subscriptions/pause). Pausing collection
 * (`pause_collection`) is different and leaves the status alone. Call inside a transaction.
 */
export function pauseSubscription(
  core: Core,
  subscription: Stripe.Subscription,
  reason: PauseReason,
): Stripe.Subscription {
  if (subscription.status !== 'active' && subscription.status !== 'trialing') {
    throw invalidRequest(
      `Only an active or trialing subscription can be paused; ${subscription.id} is ${subscription.status}.`,
    );
  }
  const paused: Stripe.Subscription = {
    ...subscription,
    status: 'paused',
    status_details: {
      paused: {
        subscription: { type: reason },
        transitioned_at: core.clock.now(),
        type: 'subscription',
      },
    },
  };
  core.store.subscriptions.update(paused);
  emitEvent(core, 'customer.subscription.paused', paused);
  emitEvent(core, 'customer.subscription.updated', paused, changes(subscription, paused));
  return paused;
}

/** The period an `unchanged` anchor resumes into: the current one, or the one around `now`. */
function periodAround(item: Stripe.SubscriptionItem, now: number): { start: number; end: number } {
  const { interval, interval_count } = item.price.recurring!;
  let start = item.current_period_start;
  let end = item.current_period_end;
  while (end <= now) {
    start = end;
    end = addInterval(start, interval, interval_count);
  }
  return { start, end };
}

/**
 * Resumes a paused subscription. A new period (anchor `now`, or `unchanged` once the paused period
 * is over) is invoiced and charged at once; the local Stripe attempts the payment in the request
 * even under `resume_on_payment_attempt`, where Stripe would attempt it shortly after, and retries
 * nothing. Then customer.subscription.resumed and customer.subscription.updated. Prorations for
 * the unused paused time are not modelled. Call inside a transaction.
 */
export function resumeSubscription(
  core: Core,
  subscription: Stripe.Subscription,
  options: ResumeOptions,
): Stripe.Subscription {
  if (subscription.status !== 'paused') {
    throw invalidRequest(
      `Only a paused subscription can be resumed; ${subscription.id} is ${subscription.status}.`,
    );
  }
  const { store } = core;
  const now = core.clock.now();
  const item = itemOf(subscription);
  const { interval, interval_count } = item.price.recurring!;
  const period =
    options.billingCycleAnchor === 'now'
      ? { start: now, end: addInterval(now, interval, interval_count) }
      : periodAround(item, now);

  let paid = true;
  if (options.billingCycleAnchor === 'now' || period.start !== item.current_period_start) {
    const moved: Stripe.Subscription = {
      ...withPeriod(subscription, period.start, period.end),
      billing_cycle_anchor:
        options.billingCycleAnchor === 'now' ? now : subscription.billing_cycle_anchor,
    };
    store.subscriptions.update(moved);
    // Stripe's docs do not say which billing_reason a resumption invoice carries; it opens a
    // new period, so it is billed as one.
    paid = invoiceSubscription(core, moved, {
      billingReason: 'subscription_cycle',
      periodStart: period.start,
      periodEnd: period.end,
      card: cardOf(core, moved),
      paymentMethod:
        typeof moved.default_payment_method === 'string'
          ? moved.default_payment_method
          : newId('pm'),
      billingName: null,
    }).paid;
    if (!paid && options.paymentBehavior === 'resume_on_payment_success') {
      // Still paused, on its old dates, with the unpaid invoice as its latest.
      const latest = store.subscriptions.get(subscription.id)!.latest_invoice;
      return store.subscriptions.update({ ...subscription, latest_invoice: latest });
    }
  }
  const current = store.subscriptions.get(subscription.id)!;
  const resumed: Stripe.Subscription = { ...current, status: paid ? 'active' : 'past_due' };
  delete resumed.status_details;
  store.subscriptions.update(resumed);
  emitEvent(core, 'customer.subscription.resumed', resumed);
  emitEvent(core, 'customer.subscription.updated', resumed, changes(subscription, resumed));
  return resumed;
}
