import type Stripe from 'stripe';
import type { Core } from '../core.ts';
import { itemOf, withPeriod } from '../objects/subscription.ts';
import { collectInvoice, collectionFor, hasPaymentMethod, issueInvoice } from './billing.ts';
import { emitEvent } from './events.ts';
import { pauseSubscription } from './pauses.ts';
import { addInterval } from './periods.ts';
import { settleCycleInvoice, type RenewalReport } from './renewals.ts';
import { cancelSubscription, saveSubscription } from './subscription-changes.ts';
import type { DueWork } from './tick.ts';

const DAY = 86_400;

/** "Occurs three days before a subscription's trial period is scheduled to end" (the event's description). */
export const TRIAL_WILL_END_NOTICE = 3 * DAY;

/**
 * Each trialing subscription sends customer.subscription.trial_will_end three days before its
 * trial ends (at once for a shorter trial), then ends its trial.
 */
export function trialWork(core: Core): DueWork[] {
  const work: DueWork[] = [];
  for (const subscription of core.store.subscriptions.findBy('status', 'trialing')) {
    const trialEnd = subscription.trial_end;
    if (trialEnd === null) continue;
    const state = core.store.subscriptions.internal(subscription.id);
    if (state && state.trialWillEndSentFor !== trialEnd) {
      work.push({
        at: Math.max(subscription.trial_start ?? 0, trialEnd - TRIAL_WILL_END_NOTICE),
        run: () => {
          core.store.subscriptions.update(subscription, {
            ...state,
            trialWillEndSentFor: trialEnd,
          });
          emitEvent(core, 'customer.subscription.trial_will_end', subscription);
        },
      });
    }
    work.push({ at: trialEnd, run: (report) => endTrial(core, subscription, report) });
  }
  return work;
}

/**
 * At the trial's end a subscription with a card becomes active and is invoiced for its first paid
 * period, charged as any renewal. Without one, `trial_settings.end_behavior.missing_payment_method`
 * decides: `cancel` ends it, `pause` pauses it until a card is added and it is resumed, and
 * `create_invoice` (the default) invoices anyway, which fails and leaves it past_due
 * (docs.stripe.com/billing/subscriptions/trials). Call inside a transaction.
 */
function endTrial(core: Core, subscription: Stripe.Subscription, report: RenewalReport): void {
  if (!hasPaymentMethod(core, subscription)) {
    switch (subscription.trial_settings?.end_behavior.missing_payment_method) {
      case 'cancel':
        // Stripe's docs do not say which cancellation reason this carries; none is claimed.
        cancelSubscription(core, subscription, null);
        report.canceled += 1;
        return;
      case 'pause':
        pauseSubscription(core, subscription, 'trial_end_without_payment_method');
        return;
    }
  }
  const item = itemOf(subscription);
  const start = subscription.trial_end!;
  const { interval, interval_count } = item.price.recurring!;
  const end = addInterval(start, interval, interval_count);
  const active = saveSubscription(core, subscription, {
    ...withPeriod(subscription, start, end),
    status: 'active',
  });
  const open = issueInvoice(core, active, {
    billingReason: 'subscription_cycle',
    charge: { periodStart: start, periodEnd: end },
    invoicePeriod: { start: item.current_period_start, end: start },
  });
  const run = collectInvoice(core, open, collectionFor(core, active));
  settleCycleInvoice(core, active.id, run, report);
}
