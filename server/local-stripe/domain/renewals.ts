import type Stripe from 'stripe';
import type { Core } from '../core.ts';
import { failInvoicePayment, payInvoice } from '../objects/invoice.ts';
import { itemOf, withPeriod } from '../objects/subscription.ts';
import { newId } from '../store/ids.ts';
import type { SubscriptionState } from '../store/store.ts';
import { awaitsBuyer, invoiceSubscription } from './billing.ts';
import { DEFAULT_TEST_CARD } from './cards.ts';
import { emitEvent } from './events.ts';
import { collectPayment } from './payments.ts';
import { addInterval } from './periods.ts';
import { cancelSubscription, saveSubscription } from './subscription-changes.ts';

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

type Due =
  | { kind: 'period_end'; at: number; subscription: Stripe.Subscription }
  | { kind: 'retry'; at: number; subscription: Stripe.Subscription; state: SubscriptionState };

function nextDue(core: Core, now: number): Due | null {
  let earliest: Due | null = null;
  for (const status of ['active', 'past_due'] as const) {
    for (const subscription of core.store.subscriptions.findBy('status', status)) {
      const state = core.store.subscriptions.internal(subscription.id);
      const candidate: Due | null =
        status === 'active'
          ? { kind: 'period_end', at: itemOf(subscription).current_period_end, subscription }
          : state?.nextRetryAt != null
            ? { kind: 'retry', at: state.nextRetryAt, subscription, state }
            : null;
      if (candidate && candidate.at <= now && (!earliest || candidate.at < earliest.at)) {
        earliest = candidate;
      }
    }
  }
  return earliest;
}

/** The card renewals charge: the one the customer last paid with (the control API can swap it). */
export function cardOf(core: Core, subscription: Stripe.Subscription) {
  const customerId =
    typeof subscription.customer === 'string' ? subscription.customer : subscription.customer.id;
  const number = core.store.customers.internal(customerId)?.card ?? DEFAULT_TEST_CARD;
  const year = new Date(core.clock.now() * 1000).getUTCFullYear() + 3;
  return { number, expMonth: 12, expYear: year };
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
  const run = invoiceSubscription(core, moved, {
    billingReason: 'subscription_cycle',
    periodStart: start,
    periodEnd: end,
    card: cardOf(core, moved),
    paymentMethod:
      typeof moved.default_payment_method === 'string' ? moved.default_payment_method : newId('pm'),
    billingName: null,
  });
  if (run.paid) {
    report.renewed += 1;
    return;
  }
  report.failed += 1;
  const current = core.store.subscriptions.get(moved.id)!;
  const state = core.store.subscriptions.internal(moved.id)!;
  const retryAt = core.clock.now() + RETRY_AFTER_DAYS[0]! * DAY;
  core.store.invoices.update({ ...run.invoice, next_payment_attempt: retryAt });
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
  const customerId =
    typeof subscription.customer === 'string' ? subscription.customer : subscription.customer.id;
  const customer = core.store.customers.get(customerId);
  const payment = collectPayment(core, {
    amount: invoice.amount_due,
    currency: invoice.currency,
    customer: customerId,
    description: 'Subscription update',
    receiptEmail: customer?.email ?? null,
    billingName: customer?.name ?? null,
    metadata: {},
    card: cardOf(core, subscription),
    paymentMethod:
      typeof subscription.default_payment_method === 'string'
        ? subscription.default_payment_method
        : newId('pm'),
    offSession: true,
  });
  if (payment.ok) {
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
  const hostedUrl = awaitsBuyer(core, invoice, payment);
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

/**
 * Bills every subscription whose period the clock has passed, in the order things fell due, and
 * retries or gives up on past-due invoices on Stripe's schedule.
 */
export function runRenewals(core: Core): RenewalReport {
  const report: RenewalReport = { renewed: 0, failed: 0, canceled: 0 };
  for (let guard = 0; guard < 10_000; guard += 1) {
    const due = nextDue(core, core.clock.now());
    if (!due) break;
    core.clock.at(due.at, () =>
      core.db.transaction(() => {
        if (due.kind === 'period_end') renew(core, due.subscription, report);
        else retry(core, due.subscription, due.state, report);
      })(),
    );
  }
  return report;
}
