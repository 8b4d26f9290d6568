import type Stripe from 'stripe';
import type { Core } from '../core.ts';
import { failInvoicePayment, payInvoice } from '../objects/invoice.ts';
import { itemOf, withPeriod } from '../objects/subscription.ts';
import type { SubscriptionState } from '../store/store.ts';
import {
  awaitsBuyer,
  collectInvoice,
  collectionFor,
  customerIdOf,
  issueInvoice,
  type InvoiceRun,
} from './billing.ts';
import { emitEvent } from './events.ts';
import { collectPayment, type PaymentOutcome } from './payments.ts';
import { addInterval } from './periods.ts';
import { cancelSubscription, saveSubscription } from './subscription-changes.ts';
import type { DueWork } from './tick.ts';

const DAY = 86_400;

/**
 * Days between payment retries of a past-due invoice; when the last retry fails the subscription
 * is canceled, Stripe's default for failed payments.
 */
export const RETRY_AFTER_DAYS = [3, 5, 7];

export interface RenewalReport {
  renewed: number;
  failed: number;
  canceled: number;
}

/** Each active subscription renews at its period's end; each past-due one retries when due. */
export function renewalWork(core: Core): DueWork[] {
  const work: DueWork[] = [];
  for (const subscription of core.store.subscriptions.findBy('status', 'active')) {
    work.push({
      at: itemOf(subscription).current_period_end,
      run: (report) => renew(core, subscription, report),
    });
  }
  for (const subscription of core.store.subscriptions.findBy('status', 'past_due')) {
    const state = core.store.subscriptions.internal(subscription.id);
    if (state?.nextRetryAt == null) continue;
    work.push({ at: state.nextRetryAt, run: (report) => retry(core, subscription, state, report) });
  }
  return work;
}

function renew(core: Core, subscription: Stripe.Subscription, report: RenewalReport): void {
  if (subscription.cancel_at_period_end) {
    cancelSubscription(core, subscription, 'cancellation_requested');
    report.canceled += 1;
    return;
  }
  const item = itemOf(subscription);
  const start = item.current_period_end;
  const end = addInterval(
    start,
    item.price.recurring!.interval,
    item.price.recurring!.interval_count,
  );
  const moved = saveSubscription(core, subscription, withPeriod(subscription, start, end));
  const open = issueInvoice(core, moved, {
    billingReason: 'subscription_cycle',
    charge: { periodStart: start, periodEnd: end },
    // A cycle invoice "looks back one period" (Invoice.period_end in the SDK's types).
    invoicePeriod: { start: item.current_period_start, end: start },
  });
  settleCycleInvoice(
    core,
    moved.id,
    collectInvoice(core, open, collectionFor(core, moved)),
    report,
  );
}

/**
 * After a cycle invoice's first attempt: counted as renewed, or the subscription goes past_due
 * with Stripe's retries scheduled. Call inside a transaction.
 */
export function settleCycleInvoice(
  core: Core,
  subscriptionId: string,
  run: InvoiceRun,
  report: RenewalReport,
): void {
  if (run.paid) {
    report.renewed += 1;
    return;
  }
  report.failed += 1;
  scheduleRetries(core, subscriptionId, run.invoice);
}

/** A first failed attempt: the subscription goes past_due, the invoice retried on schedule. */
export function scheduleRetries(core: Core, subscriptionId: string, invoice: Stripe.Invoice): void {
  const current = core.store.subscriptions.get(subscriptionId)!;
  const state = core.store.subscriptions.internal(subscriptionId)!;
  const retryAt = core.clock.now() + RETRY_AFTER_DAYS[0]! * DAY;
  core.store.invoices.update({ ...invoice, next_payment_attempt: retryAt });
  core.store.subscriptions.update(current, { ...state, failedAttempts: 1, nextRetryAt: retryAt });
  saveSubscription(core, current, { ...current, status: 'past_due' });
}

function retry(
  core: Core,
  subscription: Stripe.Subscription,
  state: SubscriptionState,
  report: RenewalReport,
): void {
  const invoiceId =
    typeof subscription.latest_invoice === 'string'
      ? subscription.latest_invoice
      : subscription.latest_invoice?.id;
  const invoice = invoiceId ? core.store.invoices.get(invoiceId) : undefined;
  if (!invoice || invoice.status !== 'open') {
    core.store.subscriptions.update(subscription, { ...state, nextRetryAt: null });
    return;
  }
  const now = core.clock.now();
  const customerId = customerIdOf(subscription);
  const customer = core.store.customers.get(customerId);
  const collection = collectionFor(core, subscription);
  // Without a card on file there is nothing to charge: the attempt fails as it would on Stripe.
  const payment: PaymentOutcome | null = collection.card
    ? collectPayment(core, {
        amount: invoice.amount_due,
        currency: invoice.currency,
        customer: customerId,
        description: 'Subscription update',
        receiptEmail: customer?.email ?? null,
        billingName: customer?.name ?? null,
        metadata: {},
        card: collection.card,
        paymentMethod: collection.paymentMethod,
        offSession: true,
      })
    : null;
  if (payment?.ok) {
    const paid = core.store.invoices.update(payInvoice(invoice, now));
    emitEvent(core, 'invoice.paid', paid);
    emitEvent(core, 'invoice.payment_succeeded', paid);
    core.store.subscriptions.update(subscription, {
      ...state,
      failedAttempts: 0,
      nextRetryAt: null,
    });
    saveSubscription(core, subscription, { ...subscription, status: 'active' });
    report.renewed += 1;
    return;
  }
  report.failed += 1;
  const attempts = state.failedAttempts + 1;
  const wait = RETRY_AFTER_DAYS[attempts - 1];
  const nextRetryAt = wait === undefined ? null : now + wait * DAY;
  const hostedUrl = payment ? awaitsBuyer(core, invoice, payment) : null;
  const failed = core.store.invoices.update(failInvoicePayment(invoice, nextRetryAt, hostedUrl));
  emitEvent(core, 'invoice.payment_failed', failed);
  if (hostedUrl) emitEvent(core, 'invoice.payment_action_required', failed);
  core.store.subscriptions.update(subscription, {
    ...state,
    failedAttempts: attempts,
    nextRetryAt,
  });
  if (nextRetryAt === null) {
    cancelSubscription(core, subscription, 'payment_failed');
    report.canceled += 1;
  }
}
