import type Stripe from 'stripe';
import type { Core } from '../core.ts';
import { buildSubscription, type MissingPaymentMethod } from '../objects/subscription.ts';
import { newId } from '../store/ids.ts';
import { invalidRequest, noSuch, parameterMissing } from '../wire/errors.ts';
import { collectInvoice, issueInvoice, type Collection, type InvoiceRun } from './billing.ts';
import { DEFAULT_TEST_CARD } from './cards.ts';
import { emitEvent, previousAttributes } from './events.ts';
import { addInterval } from './periods.ts';
import { paymentError, type PaymentBehavior } from './plan-changes.ts';

/** Stripe's limit on a trial: "The trial period must be 730 days (2 years) or less" (docs.stripe.com/billing/subscriptions/trials). */
export const MAX_TRIAL_DAYS = 730;

export interface NewSubscription {
  customer: Stripe.Customer;
  price: Stripe.Price;
  quantity: number;
  metadata: Record<string, string>;
  description: string | null;
  trial: { end: number; missingPaymentMethod: MissingPaymentMethod } | null;
  couponId: string | null;
  promotionCodeId: string | null;
  /** How the first invoice is paid; `card: null` when no card was given. */
  collection: Collection;
  /** Recorded as the subscription's default payment method once its first invoice is paid. */
  defaultPaymentMethod: string | null;
  /** False leaves the first invoice open for the payment to be confirmed later. */
  attemptPayment?: boolean;
}

/**
 * Starts a subscription with customer.subscription.created and its first invoice. A trial starts
 * `trialing` with a $0 invoice ("An immediate invoice is still created, but the amount is 0",
 * docs.stripe.com/billing/subscriptions/trials) and needs no card; otherwise the first period is
 * charged and a paid invoice makes it active (customer.subscription.updated), an unpaid one
 * leaves it incomplete. Call inside a transaction.
 */
export function createSubscription(
  core: Core,
  input: NewSubscription,
): { subscription: Stripe.Subscription; run: InvoiceRun } {
  const { store } = core;
  const now = core.clock.now();
  const { interval, interval_count } = input.price.recurring!;
  const periodEnd = input.trial ? input.trial.end : addInterval(now, interval, interval_count);
  const id = newId('sub');
  const created = store.subscriptions.insert(
    buildSubscription({
      id,
      itemId: newId('si', 14),
      customer: input.customer.id,
      price: input.price,
      quantity: input.quantity,
      periodStart: now,
      periodEnd,
      created: now,
      metadata: input.metadata,
      description: input.description,
      defaultPaymentMethod: input.trial ? input.defaultPaymentMethod : null,
      ...(input.trial ? { trial: input.trial } : {}),
    }),
    {
      couponId: input.couponId,
      promotionCodeId: input.promotionCodeId,
      invoicesIssued: 0,
      failedAttempts: 0,
      nextRetryAt: null,
    },
  );
  emitEvent(core, 'customer.subscription.created', created);

  const open = issueInvoice(core, created, {
    billingReason: 'subscription_create',
    charge: { periodStart: now, periodEnd },
  });
  const run: InvoiceRun =
    input.attemptPayment === false && open.amount_due > 0
      ? { invoice: open, payment: null, paid: false }
      : collectInvoice(core, open, { ...input.collection, offSession: false });
  if (input.trial || !run.paid) return { subscription: store.subscriptions.get(id)!, run };
  const before = store.subscriptions.get(id)!;
  const active: Stripe.Subscription = {
    ...before,
    default_payment_method: input.defaultPaymentMethod,
    status: 'active',
  };
  store.subscriptions.update(active);
  emitEvent(core, 'customer.subscription.updated', active, previousAttributes(before, active));
  return { subscription: active, run };
}

/**
 * When a trial given as `trial_end` or `trial_period_days` ends. `subscription_data` in Checkout
 * wants `trial_end` "at least 48 hours in the future" and `trial_period_days` "at least 1"
 * (SessionCreateParams.SubscriptionData in the SDK's types); the API takes any future time.
 */
export function trialEndOf(
  now: number,
  trial: { end?: number | undefined; days?: number | undefined },
  params: { end: string; days: string; minimumLead: number },
): number | null {
  if (trial.end !== undefined && trial.days !== undefined) {
    throw invalidRequest(
      `You may only specify one of these parameters: ${params.end}, ${params.days}.`,
      undefined,
      params.end,
    );
  }
  if (trial.days !== undefined) {
    if (trial.days < 1 || trial.days > MAX_TRIAL_DAYS) {
      throw invalidRequest(
        trial.days < 1
          ? 'This value must be greater than or equal to 1.'
          : `This value must be less than or equal to ${MAX_TRIAL_DAYS}.`,
        'parameter_invalid_integer',
        params.days,
      );
    }
    return now + trial.days * 86_400;
  }
  if (trial.end === undefined) return null;
  if (trial.end < now + params.minimumLead) {
    throw invalidRequest(
      params.minimumLead > 0
        ? `\`${params.end}\` must be at least 48 hours in the future.`
        : 'Invalid timestamp: must be an integer Unix timestamp in the future.',
      'parameter_invalid_integer',
      params.end,
    );
  }
  if (trial.end > now + MAX_TRIAL_DAYS * 86_400) {
    throw invalidRequest(
      `\`${params.end}\` can be at most ${MAX_TRIAL_DAYS} days in the future.`,
      'parameter_invalid_integer',
      params.end,
    );
  }
  return trial.end;
}

export interface ApiSubscriptionRequest {
  customer?: string | undefined;
  items?: { price?: string | undefined; quantity?: number | undefined }[] | undefined;
  trialEnd?: number | 'now' | undefined;
  trialPeriodDays?: number | undefined;
  missingPaymentMethod?: MissingPaymentMethod | undefined;
  defaultPaymentMethod?: string | undefined;
  paymentBehavior: PaymentBehavior;
  metadata: Record<string, string>;
  description: string | null;
}

/**
 * `POST /v1/subscriptions`: one price for a customer. A trial needs no card; otherwise the
 * customer's card (the one they last paid with) is charged, and without one Stripe refuses unless
 * `default_incomplete` leaves the subscription incomplete. A declined first payment leaves it
 * incomplete with the invoice open, or with `error_if_incomplete` answers 402 and creates
 * nothing. Call inside a transaction.
 */
export function createFromApi(core: Core, request: ApiSubscriptionRequest): Stripe.Subscription {
  const { store } = core;
  if (request.customer === undefined) throw parameterMissing('customer');
  const customer = store.customers.get(request.customer);
  if (!customer) throw noSuch('customer', request.customer, 'customer');
  const items = request.items ?? [];
  if (items.length === 0) throw parameterMissing('items');
  if (items.length > 1) {
    throw invalidRequest(
      'The local Stripe sells one price per subscription: pass one item.',
      undefined,
      'items',
    );
  }
  const priceId = items[0]!.price;
  if (priceId === undefined) throw parameterMissing('items[0][price]');
  const price = store.prices.get(priceId);
  if (!price)
    throw invalidRequest(`No such price: '${priceId}'`, 'resource_missing', 'items[0][price]');
  if (!price.recurring || !price.active) {
    throw invalidRequest(
      price.active
        ? 'The price specified is set to `type=one_time` but this field only accepts prices with `type=recurring`.'
        : 'The price specified is inactive. This field only accepts active prices.',
      undefined,
      'items[0][price]',
    );
  }
  const now = core.clock.now();
  const trialEnd = trialEndOf(
    now,
    {
      end: request.trialEnd === 'now' ? undefined : request.trialEnd,
      days: request.trialPeriodDays,
    },
    { end: 'trial_end', days: 'trial_period_days', minimumLead: 1 },
  );
  const card = store.customers.internal(customer.id)?.card ?? null;
  const hasCard = card !== null || request.defaultPaymentMethod !== undefined;
  if (trialEnd === null && !hasCard && request.paymentBehavior !== 'default_incomplete') {
    throw invalidRequest(
      'This customer has no attached payment source or default payment method. Please consider adding a default payment method.',
      'resource_missing',
    );
  }
  const paymentMethod = request.defaultPaymentMethod ?? newId('pm');
  const { subscription, run } = createSubscription(core, {
    customer,
    price,
    quantity: items[0]!.quantity ?? 1,
    metadata: request.metadata,
    description: request.description,
    trial:
      trialEnd === null
        ? null
        : { end: trialEnd, missingPaymentMethod: request.missingPaymentMethod ?? 'create_invoice' },
    couponId: null,
    promotionCodeId: null,
    collection: {
      card: hasCard
        ? {
            number: card ?? DEFAULT_TEST_CARD,
            expMonth: 12,
            expYear: new Date(now * 1000).getUTCFullYear() + 3,
          }
        : null,
      paymentMethod,
      billingName: null,
      offSession: false,
    },
    defaultPaymentMethod: request.defaultPaymentMethod ?? null,
    // "Use default_incomplete to create Subscriptions with status=incomplete when the first
    // invoice requires payment" (SubscriptionCreateParams.payment_behavior).
    attemptPayment: request.paymentBehavior !== 'default_incomplete',
  });
  if (!run.paid && request.paymentBehavior === 'error_if_incomplete') throw paymentError(run);
  return subscription;
}
