import type Stripe from 'stripe';
import type { Core } from '../core.ts';
import { itemOf, planOf, withItem, withPeriod } from '../objects/subscription.ts';
import { cardDeclined, invalidRequest, type StripeApiError } from '../wire/errors.ts';
import { collectInvoice, collectionFor, issueInvoice, type InvoiceRun } from './billing.ts';
import { emitEvent } from './events.ts';
import { addInterval } from './periods.ts';
import { prorationsFor } from './prorations.ts';
import { scheduleRetries } from './renewals.ts';
import { saveSubscription } from './subscription-changes.ts';
import type { DueWork } from './tick.ts';

export type ProrationBehavior = 'always_invoice' | 'create_prorations' | 'none';
export type PaymentBehavior =
  'allow_incomplete' | 'default_incomplete' | 'error_if_incomplete' | 'pending_if_incomplete';

export interface ItemChange {
  id?: string | undefined;
  price?: string | undefined;
  quantity?: number | undefined;
}

/** The billing side of `POST /v1/subscriptions/:id` and of `subscription_details` in a preview. */
export interface ChangeRequest {
  items?: ItemChange[] | undefined;
  prorationBehavior?: ProrationBehavior | undefined;
  prorationDate?: number | undefined;
  billingCycleAnchor?: 'now' | 'unchanged' | undefined;
  trialEnd?: number | 'now' | undefined;
}

/** A change worked out without saving anything. */
export interface PlannedChange {
  after: Stripe.Subscription;
  prorations: Stripe.InvoiceItem[];
  /** Stripe invoices at once when the billing period changes, a trial starts or ends, or asked to. */
  invoiceNow: boolean;
  /** The new period an immediate invoice charges for; null when it only bills prorations. */
  charge: { periodStart: number; periodEnd: number } | null;
  /** `trial_end=now` ends a trial, which also sends customer.subscription.trial_will_end. */
  endsTrial: boolean;
}

/** Whether a change touches billing; only those go through the planner. */
export function changesBilling(request: ChangeRequest): boolean {
  return (
    request.items !== undefined ||
    request.trialEnd !== undefined ||
    request.billingCycleAnchor === 'now'
  );
}

function newPrice(core: Core, current: Stripe.Price, id: string, param: string): Stripe.Price {
  const price = core.store.prices.get(id);
  if (!price) throw invalidRequest(`No such price: '${id}'`, 'resource_missing', param);
  if (!price.active) {
    throw invalidRequest(
      'The price specified is inactive. This field only accepts active prices.',
      undefined,
      param,
    );
  }
  if (!price.recurring) {
    throw invalidRequest(
      `The price specified is set to \`type=one_time\` but this field only accepts prices with \`type=recurring\`.`,
      undefined,
      param,
    );
  }
  if (price.currency !== current.currency) {
    throw invalidRequest(
      `The price specified uses currency \`${price.currency}\`, but the subscription uses \`${current.currency}\`.`,
      undefined,
      param,
    );
  }
  return price;
}

/** The one item's new price and quantity; an unnamed item would add a second price. */
function itemTarget(
  core: Core,
  item: Stripe.SubscriptionItem,
  changes: ItemChange[] | undefined,
): { price: Stripe.Price; quantity: number } {
  let price = item.price;
  let quantity = item.quantity ?? 1;
  (changes ?? []).forEach((change, index) => {
    if (change.id === undefined) {
      throw invalidRequest(
        'The local Stripe sells one price per subscription: name the item to change with `id`.',
        'parameter_missing',
        `items[${index}][id]`,
      );
    }
    if (change.id !== item.id) {
      throw invalidRequest(
        `No such subscription_item: '${change.id}'`,
        'resource_missing',
        `items[${index}][id]`,
      );
    }
    if (change.price !== undefined && change.price !== price.id) {
      price = newPrice(core, item.price, change.price, `items[${index}][price]`);
      // "When changing a subscription item's price, `quantity` is set to 1 unless a `quantity`
      // parameter is provided" (SubscriptionUpdateParams.Item.price in the SDK's types).
      quantity = 1;
    }
    if (change.quantity !== undefined) quantity = change.quantity;
  });
  return { price, quantity };
}

/**
 * Works out a subscription update as Stripe does. A new price or quantity in the same billing
 * period leaves prorations for the next invoice (or invoices them now with `always_invoice`). A
 * price with another interval, `billing_cycle_anchor=now`, or a trial starting or ending restarts
 * the billing period now and invoices at once: "we apply a credit for the unused time on the
 * previous price, immediately charge the customer using the new price, and reset the billing
 * date" (docs.stripe.com/api/subscriptions/update). During a trial nothing is prorated.
 */
export function planChange(
  core: Core,
  subscription: Stripe.Subscription,
  request: ChangeRequest,
): PlannedChange {
  if (subscription.status === 'incomplete' || subscription.status === 'incomplete_expired') {
    // "A subscription in this status can only have metadata and default_source updated"
    // (Subscription.status in Stripe's API reference).
    throw invalidRequest(
      `A subscription in the ${subscription.status} status can only have metadata and default_source updated.`,
    );
  }
  const now = core.clock.now();
  const item = itemOf(subscription);
  const behavior = request.prorationBehavior ?? 'create_prorations';
  const at = request.prorationDate ?? now;
  if (at < item.current_period_start || at > item.current_period_end) {
    // Stripe refuses such a date; the wording is the local Stripe's.
    throw invalidRequest(
      'The proration date must fall within the current billing period of the subscription.',
      undefined,
      'proration_date',
    );
  }
  const { price, quantity } = itemTarget(core, item, request.items);
  const interval = price.recurring!;
  const intervalChanged =
    interval.interval !== item.price.recurring!.interval ||
    interval.interval_count !== item.price.recurring!.interval_count;
  const trialing = subscription.status === 'trialing';
  const trialEnd = request.trialEnd;
  if (typeof trialEnd === 'number' && trialEnd <= now) {
    throw invalidRequest(
      'Invalid timestamp: must be an integer Unix timestamp in the future.',
      'parameter_invalid_integer',
      'trial_end',
    );
  }
  const endsTrial = trialing && trialEnd === 'now';
  const startsTrial = !trialing && typeof trialEnd === 'number';
  const movesTrial = trialing && typeof trialEnd === 'number';
  const restartsCycle =
    !trialing && !startsTrial && (intervalChanged || request.billingCycleAnchor === 'now');

  const billingChanged = price.id !== item.price.id || quantity !== (item.quantity ?? 1);
  const prorate =
    behavior !== 'none' && !trialing && (billingChanged || restartsCycle || startsTrial);
  const prorations = prorate
    ? prorationsFor(core, subscription, item, {
        price,
        quantity,
        at,
        chargeRemaining: !restartsCycle && !startsTrial,
      })
    : [];

  let after = withItem(subscription, { price, plan: planOf(price), quantity });
  let charge: PlannedChange['charge'] = null;
  if (restartsCycle || endsTrial) {
    const end = addInterval(now, interval.interval, interval.interval_count);
    after = { ...withPeriod(after, now, end), billing_cycle_anchor: now };
    if (endsTrial) after = { ...after, status: 'active', trial_end: now };
    charge = { periodStart: now, periodEnd: end };
  } else if (startsTrial) {
    after = {
      ...withPeriod(after, now, trialEnd),
      billing_cycle_anchor: trialEnd,
      status: 'trialing',
      trial_start: now,
      trial_end: trialEnd,
    };
    charge = { periodStart: now, periodEnd: trialEnd };
  } else if (movesTrial) {
    after = {
      ...withPeriod(after, item.current_period_start, trialEnd),
      billing_cycle_anchor: trialEnd,
      trial_end: trialEnd,
    };
  }
  return {
    after,
    prorations,
    invoiceNow:
      restartsCycle ||
      endsTrial ||
      startsTrial ||
      (behavior === 'always_invoice' && prorations.length > 0),
    charge,
    endsTrial,
  };
}

/**
 * Applies a billing change: prorations saved as pending invoice items (invoiceitem.created),
 * customer.subscription.updated, and when Stripe invoices at once, an invoice for every pending
 * item and any new period, created, finalized and charged. A failed payment then follows
 * `payment_behavior`: `allow_incomplete` (the default) keeps the change and leaves the
 * subscription past_due with retries; `error_if_incomplete` answers 402 and changes nothing;
 * `pending_if_incomplete` keeps the old items and records the change as `pending_update`;
 * `default_incomplete` does not attempt the payment. Call inside a transaction.
 */
export function applyChange(
  core: Core,
  subscription: Stripe.Subscription,
  request: ChangeRequest,
  paymentBehavior: PaymentBehavior,
): Stripe.Subscription {
  const { store } = core;
  const plan = planChange(core, subscription, request);
  for (const proration of plan.prorations) {
    emitEvent(core, 'invoiceitem.created', store.invoiceItems.insert(proration));
  }
  const saved = saveSubscription(core, subscription, plan.after);
  if (plan.endsTrial) emitEvent(core, 'customer.subscription.trial_will_end', saved);
  if (!plan.invoiceNow) return saved;

  const open = issueInvoice(core, store.subscriptions.get(saved.id)!, {
    billingReason: 'subscription_update',
    charge: plan.charge,
  });
  const issued = store.subscriptions.get(saved.id)!;
  if (paymentBehavior === 'default_incomplete' && open.amount_due > 0) {
    // Stripe waits for the invoice's payment to be confirmed explicitly.
    return saveSubscription(core, issued, { ...issued, status: 'past_due' });
  }
  const run = collectInvoice(core, open, collectionFor(core, issued));
  if (run.paid) return store.subscriptions.get(saved.id)!;
  switch (paymentBehavior) {
    case 'error_if_incomplete':
      throw paymentError(run);
    case 'pending_if_incomplete':
      return keepPending(core, subscription, plan, request, open);
    default:
      scheduleRetries(core, saved.id, run.invoice);
      return store.subscriptions.get(saved.id)!;
  }
}

/** The 402 `error_if_incomplete` answers with; the transaction's rollback undoes the change. */
export function paymentError(run: InvoiceRun): StripeApiError {
  const payment = run.payment;
  if (!payment) {
    return invalidRequest(
      'This customer has no attached payment source or default payment method. Please consider adding a default payment method.',
      'resource_missing',
    );
  }
  if (payment.ok) throw new Error('a paid invoice has no payment error');
  if ('requiresAction' in payment) {
    return cardDeclined(
      'Your card was declined. This transaction requires authentication.',
      'authentication_required',
      'authentication_required',
    );
  }
  return cardDeclined(payment.message, payment.declineCode, payment.code);
}

/**
 * "If payment fails, the updated values are added to the pending_update hash on the Subscription
 * object. The latest_invoice for the subscription refers to an unpaid invoice in an open status.
 * The subscription will continue to cycle as if no update request was made"
 * (docs.stripe.com/billing/subscriptions/pending-updates-reference). It expires after 23 hours.
 */
function keepPending(
  core: Core,
  before: Stripe.Subscription,
  plan: PlannedChange,
  request: ChangeRequest,
  open: Stripe.Invoice,
): Stripe.Subscription {
  const current = core.store.subscriptions.get(before.id)!;
  return saveSubscription(core, current, {
    ...before,
    latest_invoice: open.id,
    pending_update: {
      billing_cycle_anchor: plan.charge ? plan.charge.periodStart : null,
      cancel_at_period_end: null,
      discount: null,
      discounts: null,
      expires_at: core.clock.now() + 23 * 3600,
      metadata: null,
      subscription_items: request.items ? plan.after.items.data : null,
      trial_end: typeof request.trialEnd === 'number' ? request.trialEnd : null,
      trial_from_plan: null,
    },
  });
}

/**
 * A pending update nobody paid for expires: the subscription drops it, with
 * customer.subscription.pending_update_expired ("Occurs whenever a customer's subscription's
 * pending update expires before the related invoice is paid", the event's description).
 */
export function pendingUpdateWork(core: Core): DueWork[] {
  return core.store.subscriptions
    .all()
    .filter((subscription) => subscription.pending_update)
    .map((subscription) => ({
      at: subscription.pending_update!.expires_at,
      run: () => {
        const expired = saveSubscription(core, subscription, {
          ...subscription,
          pending_update: null,
        });
        emitEvent(core, 'customer.subscription.pending_update_expired', expired);
      },
    }));
}
