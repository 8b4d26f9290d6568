import type Stripe from 'stripe';
import type { Core } from '../core.ts';
import { buildInvoice, invoiceItemLine } from '../objects/invoice.ts';
import { itemOf, planOf, withItem, withPeriod } from '../objects/subscription.ts';
import { newId } from '../store/ids.ts';
import { invalidRequest, noSuch } from '../wire/errors.ts';
import { chargeLine, customerIdOf, pendingItemsOf } from './billing.ts';
import { addInterval } from './periods.ts';
import { changesBilling, planChange, type ChangeRequest } from './plan-changes.ts';

/** An hour after an invoice is created Stripe attempts its payment ("Approximately 1 hour later"). */
const FIRST_ATTEMPT_DELAY = 3600;

export interface PreviewRequest {
  customer?: string | undefined;
  subscription?: string | undefined;
  change: ChangeRequest;
}

function noUpcoming(customer: string) {
  return invalidRequest(
    `No upcoming invoices for customer: ${customer}`,
    'invoice_upcoming_none',
    undefined,
    404,
  );
}

function subscriptionFor(core: Core, request: PreviewRequest): Stripe.Subscription {
  if (request.subscription !== undefined) {
    const subscription = core.store.subscriptions.get(request.subscription);
    if (!subscription) throw noSuch('subscription', request.subscription, 'subscription');
    if (request.customer !== undefined && customerIdOf(subscription) !== request.customer) {
      throw invalidRequest(
        `The subscription ${subscription.id} does not belong to the customer ${request.customer}.`,
        undefined,
        'subscription',
      );
    }
    return subscription;
  }
  if (request.customer === undefined) {
    throw invalidRequest(
      'Missing required param: customer or subscription.',
      'parameter_missing',
      'customer',
    );
  }
  if (!core.store.customers.get(request.customer)) {
    throw noSuch('customer', request.customer, 'customer');
  }
  const running = core.store.subscriptions
    .findBy('customer', request.customer)
    .filter((s) => s.status !== 'canceled' && s.status !== 'incomplete_expired');
  if (running.length !== 1) {
    throw running.length === 0
      ? noUpcoming(request.customer)
      : invalidRequest(
          'The customer has more than one subscription: pass `subscription` to say which.',
          undefined,
          'subscription',
        );
  }
  return running[0]!;
}

/** The subscription as its schedule will have it at `time`: a phase starting then sets the price. */
function scheduledAt(core: Core, subscription: Stripe.Subscription, time: number) {
  const scheduleId =
    typeof subscription.schedule === 'string' ? subscription.schedule : subscription.schedule?.id;
  const schedule = scheduleId ? core.store.subscriptionSchedules.get(scheduleId) : undefined;
  const phase = schedule?.phases.find((p) => p.start_date <= time && time < p.end_date);
  const target = phase?.items[0];
  if (!target) return subscription;
  const price = core.store.prices.get(
    typeof target.price === 'string' ? target.price : target.price.id,
  );
  if (!price) return subscription;
  return withItem(subscription, { price, plan: planOf(price), quantity: target.quantity ?? 1 });
}

/**
 * `POST /v1/invoices/create_preview`: the invoice a subscription would produce next, with a
 * change in `subscription_details` applied, built and not saved. A change Stripe invoices at once
 * previews that invoice; any other previews the one at the period's end, its prorations first.
 * As on Stripe the preview has an id (`upcoming_in_…`, adrienverge/localstripe#249), is a draft,
 * looks back on the current period, and names the `subscription_proration_date` it used.
 */
export function previewInvoice(core: Core, request: PreviewRequest): Stripe.Invoice {
  const subscription = subscriptionFor(core, request);
  const customerId = customerIdOf(subscription);
  if (subscription.status === 'canceled' || subscription.status === 'incomplete_expired') {
    throw noUpcoming(customerId);
  }
  const now = core.clock.now();
  const changing = changesBilling(request.change);
  const plan = changing ? planChange(core, subscription, request.change) : null;
  const after = plan?.after ?? subscription;
  const prorations = plan?.prorations ?? [];
  const id = `upcoming_${newId('in')}`;
  const lineId = () => newId('il_tmp', 14);
  const lines = [...pendingItemsOf(core, subscription.id), ...prorations].map((item) =>
    invoiceItemLine(item, id, lineId()),
  );

  let header: { reason: Stripe.Invoice.BillingReason; start: number; end: number; created: number };
  if (plan?.invoiceNow) {
    if (plan.charge) lines.push(chargeLine(core, after, id, plan.charge, lineId()));
    header = { reason: 'subscription_update', start: now, end: now, created: now };
  } else {
    if (after.cancel_at_period_end || after.status === 'paused') throw noUpcoming(customerId);
    const item = itemOf(after);
    const { interval, interval_count } = item.price.recurring!;
    const start = item.current_period_end;
    const next = addInterval(start, interval, interval_count);
    const renewed = {
      ...withPeriod(scheduledAt(core, after, start), start, next),
      status: 'active' as const,
    };
    lines.push(chargeLine(core, renewed, id, { periodStart: start, periodEnd: next }, lineId()));
    header = { reason: 'upcoming', start: item.current_period_start, end: start, created: start };
  }

  const customer = core.store.customers.get(customerId)!;
  const draft = buildInvoice({
    id,
    customer,
    subscription: after,
    lines,
    periodStart: header.start,
    periodEnd: header.end,
    billingReason: header.reason,
    created: header.created,
  });
  const due = Math.max(0, draft.total + customer.balance);
  return {
    ...draft,
    amount_due: due,
    amount_remaining: due,
    starting_balance: customer.balance,
    next_payment_attempt: header.created + FIRST_ATTEMPT_DELAY,
    parent: {
      ...draft.parent!,
      subscription_details: {
        ...draft.parent!.subscription_details!,
        ...(prorations.length > 0 && {
          subscription_proration_date: request.change.prorationDate ?? now,
        }),
      },
    },
  };
}
