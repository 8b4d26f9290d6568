import type Stripe from 'stripe';
import type { Core } from '../core.ts';
import {
  buildInvoice,
  failInvoicePayment,
  finalizeInvoice,
  invoiceItemLine,
  payInvoice,
  subscriptionLine,
} from '../objects/invoice.ts';
import { itemOf } from '../objects/subscription.ts';
import { newId } from '../store/ids.ts';
import type { SubscriptionState } from '../store/store.ts';
import { DEFAULT_TEST_CARD } from './cards.ts';
import { discountLines } from './discounts.ts';
import { emitEvent } from './events.ts';
import { collectPayment, type PaymentOutcome } from './payments.ts';

export interface InvoiceRun {
  invoice: Stripe.Invoice;
  /** Null when nothing was due (a 100% discount). */
  payment: PaymentOutcome | null;
  paid: boolean;
}

/** Whether the subscription's coupon still applies to the invoice about to be issued. */
export function couponFor(core: Core, state: SubscriptionState): Stripe.Coupon | null {
  if (!state.couponId) return null;
  const coupon = core.store.coupons.get(state.couponId);
  if (!coupon) return null;
  if (coupon.duration === 'forever') return coupon;
  if (coupon.duration === 'once') return state.invoicesIssued === 0 ? coupon : null;
  return state.invoicesIssued < (coupon.duration_in_months ?? 1) ? coupon : null;
}

function nextInvoiceNumber(core: Core, customer: Stripe.Customer): string {
  const sequence = customer.next_invoice_sequence ?? 1;
  core.store.customers.update({ ...customer, next_invoice_sequence: sequence + 1 });
  return `${customer.invoice_prefix ?? 'LOCAL'}-${String(sequence).padStart(4, '0')}`;
}

/**
 * Where the buyer goes to pass 3D Secure when a payment waits for them, or null. Stripe gives
 * every finalized invoice a hosted page; the local Stripe only names one for an invoice that
 * needs the buyer, as it serves no invoice pages.
 */
export function awaitsBuyer(
  core: Core,
  invoice: Stripe.Invoice,
  payment: PaymentOutcome,
): string | null {
  return 'requiresAction' in payment ? `${core.publicUrl}/i/${invoice.id}` : null;
}

export interface Card {
  number: string;
  expMonth: number;
  expYear: number;
}

/** How an invoice is paid: `card: null` when the customer has no payment method on file. */
export interface Collection {
  card: Card | null;
  paymentMethod: string;
  billingName: string | null;
  /** Nobody is there to pass 3D Secure: a card that always asks for it waits. */
  offSession: boolean;
}

export interface IssueOptions {
  billingReason: Stripe.Invoice.BillingReason;
  /** The period the subscription's price is charged for, or null to invoice pending items only. */
  charge: { periodStart: number; periodEnd: number } | null;
  /** What the invoice looks back on; the charged period unless given. */
  invoicePeriod?: { start: number; end: number };
}

/** The card renewals charge: the one the customer last paid with (the control API can swap it). */
export function cardOf(core: Core, subscription: Stripe.Subscription): Card {
  const number =
    core.store.customers.internal(customerIdOf(subscription))?.card ?? DEFAULT_TEST_CARD;
  const year = new Date(core.clock.now() * 1000).getUTCFullYear() + 3;
  return { number, expMonth: 12, expYear: year };
}

/** Whether the subscription or its customer has a card to charge. */
export function hasPaymentMethod(core: Core, subscription: Stripe.Subscription): boolean {
  return (
    subscription.default_payment_method !== null ||
    (core.store.customers.internal(customerIdOf(subscription))?.card ?? null) !== null
  );
}

/** How an invoice of this subscription is collected off-session: its card, or none on file. */
export function collectionFor(core: Core, subscription: Stripe.Subscription): Collection {
  return {
    card: hasPaymentMethod(core, subscription) ? cardOf(core, subscription) : null,
    paymentMethod:
      typeof subscription.default_payment_method === 'string'
        ? subscription.default_payment_method
        : newId('pm'),
    billingName: null,
    offSession: true,
  };
}

export function customerIdOf(subscription: Stripe.Subscription): string {
  return typeof subscription.customer === 'string'
    ? subscription.customer
    : subscription.customer.id;
}

/**
 * Creates and finalizes the subscription's next invoice: its pending invoice items (prorations)
 * first, as Stripe lists them, then the charge for the period, with invoice.created and
 * invoice.finalized. The customer's balance is applied. Call inside a transaction.
 */
export function issueInvoice(
  core: Core,
  subscription: Stripe.Subscription,
  options: IssueOptions,
): Stripe.Invoice {
  const { store, clock } = core;
  const now = clock.now();
  const state = store.subscriptions.internal(subscription.id)!;
  const customer = store.customers.get(customerIdOf(subscription))!;
  const id = newId('in');
  const pending = pendingItemsOf(core, subscription.id);
  const lines = pending.map((item) => invoiceItemLine(item, id, newId('il')));
  if (options.charge) lines.push(chargeLine(core, subscription, id, options.charge));
  const period = options.invoicePeriod ?? {
    start: options.charge?.periodStart ?? now,
    end: options.charge?.periodEnd ?? now,
  };

  const draft = store.invoices.insert(
    buildInvoice({
      id,
      customer,
      subscription,
      lines,
      periodStart: period.start,
      periodEnd: period.end,
      billingReason: options.billingReason,
      created: now,
    }),
  );
  for (const item of pending) store.invoiceItems.update({ ...item, invoice: id });
  emitEvent(core, 'invoice.created', draft);
  const finalized = finalizeInvoice(
    draft,
    nextInvoiceNumber(core, customer),
    now,
    store.customers.get(customer.id)!.balance,
  );
  const open = store.invoices.update(finalized);
  if (finalized.ending_balance !== finalized.starting_balance) {
    const current = store.customers.get(customer.id)!;
    store.customers.update({ ...current, balance: finalized.ending_balance ?? 0 });
  }
  emitEvent(core, 'invoice.finalized', open);
  store.subscriptions.update(
    { ...subscription, latest_invoice: open.id },
    { ...state, invoicesIssued: state.invoicesIssued + 1 },
  );
  return open;
}

export function pendingItemsOf(core: Core, subscriptionId: string): Stripe.InvoiceItem[] {
  return core.store.invoiceItems
    .findBy('subscription', subscriptionId)
    .filter((item) => item.invoice === null)
    .reverse();
}

/** The line charging the subscription's price for a period ($0 while it is trialing). */
export function chargeLine(
  core: Core,
  subscription: Stripe.Subscription,
  invoiceId: string,
  charge: { periodStart: number; periodEnd: number },
  lineId = newId('il'),
): Stripe.InvoiceLineItem {
  const state = core.store.subscriptions.internal(subscription.id)!;
  const item = itemOf(subscription);
  const productId =
    typeof item.price.product === 'string' ? item.price.product : item.price.product.id;
  const trial = subscription.status === 'trialing';
  const coupon = trial ? null : couponFor(core, state);
  const quantity = item.quantity ?? 1;
  return subscriptionLine({
    trial,
    lineId,
    invoiceId,
    subscription,
    price: item.price,
    quantity,
    productName: core.store.products.get(productId)?.name ?? 'Subscription',
    periodStart: charge.periodStart,
    periodEnd: charge.periodEnd,
    discount: coupon ? discountOn(item.price, quantity, coupon) : 0,
    discountId: coupon ? newId('di') : null,
  });
}

/** What the coupon takes off one full period of the price. */
export function discountOn(price: Stripe.Price, quantity: number, coupon: Stripe.Coupon): number {
  const subtotal = (price.unit_amount ?? 0) * quantity;
  return discountLines([{ amount_subtotal: subtotal, price } as Stripe.LineItem], coupon)[0]!
    .discount;
}

/**
 * Tries to collect an open invoice, with the payment's events, then invoice.paid and
 * invoice.payment_succeeded, or invoice.payment_failed (and invoice.payment_action_required when
 * the card waits for 3D Secure: "The PaymentIntent status changes to requires_action",
 * docs.stripe.com/billing/subscriptions/webhooks). Nothing due is paid at once; no card on file
 * fails the attempt without a charge. Call inside a transaction.
 */
export function collectInvoice(
  core: Core,
  open: Stripe.Invoice,
  collection: Collection,
): InvoiceRun {
  const { store, clock } = core;
  const now = clock.now();
  if (open.amount_due === 0) {
    const paid = store.invoices.update(payInvoice(open, now));
    emitEvent(core, 'invoice.paid', paid);
    emitEvent(core, 'invoice.payment_succeeded', paid);
    return { invoice: paid, payment: null, paid: true };
  }
  if (!collection.card) {
    const failed = store.invoices.update(failInvoicePayment(open, null));
    emitEvent(core, 'invoice.payment_failed', failed);
    return { invoice: failed, payment: null, paid: false };
  }
  const customer = store.customers.get(String(open.customer))!;
  const payment = collectPayment(core, {
    amount: open.amount_due,
    currency: open.currency,
    customer: customer.id,
    description:
      open.billing_reason === 'subscription_create'
        ? 'Subscription creation'
        : 'Subscription update',
    receiptEmail: customer.email,
    billingName: collection.billingName ?? customer.name ?? null,
    metadata: {},
    card: collection.card,
    paymentMethod: collection.paymentMethod,
    offSession: collection.offSession,
  });
  if (payment.ok) {
    const paid = store.invoices.update(payInvoice(open, now));
    emitEvent(core, 'invoice.paid', paid);
    emitEvent(core, 'invoice.payment_succeeded', paid);
    return { invoice: paid, payment, paid: true };
  }
  const hostedUrl = awaitsBuyer(core, open, payment);
  const failed = store.invoices.update(failInvoicePayment(open, null, hostedUrl));
  emitEvent(core, 'invoice.payment_failed', failed);
  if (hostedUrl) emitEvent(core, 'invoice.payment_action_required', failed);
  return { invoice: failed, payment, paid: false };
}

/**
 * Issues the subscription's invoice for one period and tries to collect it from the card, with
 * Stripe's events in Stripe's order. Call inside a transaction.
 */
export function invoiceSubscription(
  core: Core,
  subscription: Stripe.Subscription,
  options: {
    billingReason: 'subscription_create' | 'subscription_cycle';
    periodStart: number;
    periodEnd: number;
    /** What the invoice looks back on; the charged period unless given. */
    invoicePeriod?: { start: number; end: number };
    card: Card | null;
    paymentMethod: string;
    billingName: string | null;
  },
): InvoiceRun {
  const open = issueInvoice(core, subscription, {
    billingReason: options.billingReason,
    charge: { periodStart: options.periodStart, periodEnd: options.periodEnd },
    ...(options.invoicePeriod ? { invoicePeriod: options.invoicePeriod } : {}),
  });
  return collectInvoice(core, open, {
    card: options.card,
    paymentMethod: options.paymentMethod,
    billingName: options.billingName,
    offSession: options.billingReason === 'subscription_cycle',
  });
}
