// A plan change the customer confirms in the hosted billing portal, applied as the session's
// portal configuration says: prorated per `features.subscription_update.proration_behavior`, or
// moved to the end of the period by `schedule_at_period_end` through a subscription schedule.
import type Stripe from 'stripe';
import type { Core } from '../core.ts';
import { itemOf } from '../objects/subscription.ts';
import type { PortalFeatures } from '../objects/portal-configuration.ts';
import { invalidRequest } from '../wire/errors.ts';
import { previewInvoice } from './invoice-preview.ts';
import { applyChange, type ProrationBehavior } from './plan-changes.ts';
import { releaseSchedule, scheduleFromSubscription, updateSchedule } from './schedules.ts';

type UpdateFeature = PortalFeatures['subscription_update'];

export interface PortalUpdate {
  subscription: Stripe.Subscription;
  price: Stripe.Price;
  quantity: number;
}

const DAYS: Record<string, number> = { day: 1, week: 7, month: 30, year: 365 };
const intervalDays = (price: Stripe.Price) =>
  DAYS[price.recurring!.interval]! * price.recurring!.interval_count;

/**
 * "When any condition is true, an update will be scheduled at the end of the current period"
 * (schedule_at_period_end.conditions in the SDK's types): `decreasing_item_amount` when the
 * item's amount (unit amount times quantity) falls, `shortening_interval` when its billing
 * interval gets shorter.
 */
export function waitsForPeriodEnd(update: PortalUpdate, feature: UpdateFeature): boolean {
  const item = itemOf(update.subscription);
  const conditions = feature.schedule_at_period_end?.conditions ?? [];
  return conditions.some(({ type }) => {
    if (type === 'decreasing_item_amount') {
      const before = (item.price.unit_amount ?? 0) * (item.quantity ?? 1);
      return (update.price.unit_amount ?? 0) * update.quantity < before;
    }
    if (type === 'shortening_interval')
      return intervalDays(update.price) < intervalDays(item.price);
    return false;
  });
}

/**
 * The prices the configuration lets this subscription move to, or why none: Stripe's portal
 * offers `features.subscription_update.products` only, and updates no subscription whose
 * schedule still has a phase to come. The wording is the local Stripe's.
 */
export function updateRefusal(
  core: Core,
  subscription: Stripe.Subscription,
  feature: UpdateFeature,
  priceId: string,
): string | null {
  if (!feature.enabled) return 'The portal configuration does not allow subscription updates.';
  const allowed = (feature.products ?? []).some((entry) => entry.prices.includes(priceId));
  if (!allowed) {
    return `The price ${priceId} is not in the portal configuration's features.subscription_update.products.`;
  }
  if (subscription.status !== 'active' && subscription.status !== 'trialing') {
    return `A ${subscription.status} subscription cannot be updated in the portal.`;
  }
  if (subscription.cancel_at_period_end) {
    return 'A subscription that cancels at the end of its period cannot be updated in the portal.';
  }
  if (hasUpcomingPhase(core, subscription)) {
    return 'This subscription already has a change scheduled for the end of its period.';
  }
  if (priceId === itemOf(subscription).price.id) return 'The subscription already has this price.';
  return null;
}

function scheduleOf(core: Core, subscription: Stripe.Subscription) {
  const id =
    typeof subscription.schedule === 'string' ? subscription.schedule : subscription.schedule?.id;
  return id ? core.store.subscriptionSchedules.get(id) : undefined;
}

function hasUpcomingPhase(core: Core, subscription: Stripe.Subscription): boolean {
  const schedule = scheduleOf(core, subscription);
  const end = schedule?.current_phase?.end_date;
  return end !== undefined && schedule!.phases.some((phase) => phase.start_date >= end);
}

/** The invoice the change produces (now, or the renewal at the new price), not saved. */
export function previewPortalUpdate(
  core: Core,
  update: PortalUpdate,
  feature: UpdateFeature,
): { atPeriodEnd: boolean; invoice: Stripe.Invoice } {
  const atPeriodEnd = waitsForPeriodEnd(update, feature);
  const invoice = previewInvoice(core, {
    subscription: update.subscription.id,
    change: {
      items: [
        { id: itemOf(update.subscription).id, price: update.price.id, quantity: update.quantity },
      ],
      prorationBehavior: atPeriodEnd ? 'none' : (feature.proration_behavior as ProrationBehavior),
    },
  });
  return { atPeriodEnd, invoice };
}

/**
 * Applies a confirmed change. At the period end: a schedule takes the subscription over, its
 * current phase running to the period's end and the next holding the new price, released after
 * it. Now: the subscription moves at once, and a payment that fails changes nothing (402), so the
 * customer sees the decline instead of a plan they did not pay for. Call inside a transaction.
 */
export function applyPortalUpdate(core: Core, update: PortalUpdate, feature: UpdateFeature): void {
  const { subscription, price, quantity } = update;
  const item = itemOf(subscription);
  if (waitsForPeriodEnd(update, feature)) {
    const schedule =
      scheduleOf(core, subscription) ?? scheduleFromSubscription(core, subscription, {});
    updateSchedule(core, schedule, {
      phases: [
        {
          items: [{ price: item.price.id, quantity: item.quantity ?? 1 }],
          end_date: item.current_period_end,
        },
        { items: [{ price: price.id, quantity }], proration_behavior: 'none' },
      ],
      end_behavior: 'release',
    });
    return;
  }
  const attached = scheduleOf(core, subscription);
  // A schedule in its last phase would move the price back when that phase ends.
  if (attached) releaseSchedule(core, attached);
  const current = core.store.subscriptions.get(subscription.id)!;
  applyChange(
    core,
    current,
    {
      items: [{ id: item.id, price: price.id, quantity }],
      prorationBehavior: feature.proration_behavior as ProrationBehavior,
    },
    'error_if_incomplete',
  );
}

/** The price a flow names, or a 400 naming the param. */
export function flowPrice(core: Core, id: string | undefined, param: string): Stripe.Price {
  if (id === undefined)
    throw invalidRequest(`Missing required param: ${param}.`, 'parameter_missing', param);
  const price = core.store.prices.get(id);
  if (!price) throw invalidRequest(`No such price: '${id}'`, 'resource_missing', param);
  return price;
}
