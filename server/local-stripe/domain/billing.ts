import type Stripe from 'stripe';
import type { Core } from '../core.ts';
import {
  buildInvoice,
  failInvoicePayment,
  finalizeInvoice,
  payInvoice,
} from '../objects/invoice.ts';
import { itemOf } from '../objects/subscription.ts';
import { newId } from '../store/ids.ts';
import type { SubscriptionState } from '../store/store.ts';
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
function couponFor(core: Core, state: SubscriptionState): Stripe.Coupon | null {
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

/**
 * Issues the subscription's invoice for one period and tries to collect it from the card, with
 * Stripe's events: invoice.created, invoice.finalized, the payment's events, then invoice.paid and
 * invoice.payment_succeeded, or invoice.payment_failed (and invoice.payment_action_required when
 * the card waits for 3D Secure: "The PaymentIntent status changes to requires_action",
 * docs.stripe.com/billing/subscriptions/webhooks). Call inside a transaction.
 */
export function invoiceSubscription(
  core: Core,
  subscription: Stripe.Subscription,
  options: {
    billingReason: 'subscription_create' | 'subscription_cycle';
    periodStart: number;
    periodEnd: number;
    card: { number: string; expMonth: number; expYear: number };
    paymentMethod: string;
    billingName: string | null;
  },
): InvoiceRun {
  const { store, clock } = core;
  const now = clock.now();
  const state = store.subscriptions.internal(subscription.id)!;
  const customerId =
    typeof subscription.customer === 'string' ? subscription.customer : subscription.customer.id;
  const customer = store.customers.get(customerId)!;
  const item = itemOf(subscription);
  const productId =
    typeof item.price.product === 'string' ? item.price.product : item.price.product.id;
  const product = store.products.get(productId);
  const coupon = couponFor(core, state);
  const quantity = item.quantity ?? 1;
  const subtotal = (item.price.unit_amount ?? 0) * quantity;
  const discount = coupon
    ? discountLines(
        [
          {
            amount_subtotal: subtotal,
            price: item.price,
          } as Stripe.LineItem,
        ],
        coupon,
      )[0]!.discount
    : 0;

  const draft = store.invoices.insert(
    buildInvoice({
      id: newId('in'),
      lineId: newId('il'),
      customer,
      subscription,
      price: item.price,
      quantity,
      productName: product?.name ?? 'Subscription',
      periodStart: options.periodStart,
      periodEnd: options.periodEnd,
      discount,
      discountId: coupon ? newId('di') : null,
      billingReason: options.billingReason,
      number: '',
      created: now,
    }),
  );
  emitEvent(core, 'invoice.created', draft);
  const open = store.invoices.update(
    finalizeInvoice(draft, nextInvoiceNumber(core, customer), now),
  );
  emitEvent(core, 'invoice.finalized', open);
  store.subscriptions.update(
    { ...subscription, latest_invoice: open.id },
    { ...state, invoicesIssued: state.invoicesIssued + 1 },
  );

  if (open.amount_due === 0) {
    const paid = store.invoices.update(payInvoice(open, now));
    emitEvent(core, 'invoice.paid', paid);
    emitEvent(core, 'invoice.payment_succeeded', paid);
    return { invoice: paid, payment: null, paid: true };
  }

  const payment = collectPayment(core, {
    amount: open.amount_due,
    currency: open.currency,
    customer: customer.id,
    description:
      options.billingReason === 'subscription_create'
        ? 'Subscription creation'
        : 'Subscription update',
    receiptEmail: customer.email,
    billingName: options.billingName ?? customer.name ?? null,
    metadata: {},
    card: options.card,
    paymentMethod: options.paymentMethod,
    offSession: options.billingReason === 'subscription_cycle',
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
