import type Stripe from 'stripe';

/** The subscription's charge for one period of one price. */
export interface SubscriptionLineInput {
  lineId: string;
  invoiceId: string;
  subscription: Stripe.Subscription;
  price: Stripe.Price;
  quantity: number;
  productName: string;
  periodStart: number;
  periodEnd: number;
  discount: number;
  discountId: string | null;
  /** A trial's period is charged nothing ("the amount is 0", docs.stripe.com/billing/subscriptions/trials). */
  trial?: boolean;
}

export function subscriptionLine(input: SubscriptionLineInput): Stripe.InvoiceLineItem {
  const subtotal = input.trial ? 0 : (input.price.unit_amount ?? 0) * input.quantity;
  const item = input.subscription.items.data[0]!;
  return {
    id: input.lineId,
    object: 'line_item',
    amount: subtotal,
    currency: input.price.currency,
    description: input.trial
      ? `Trial period for ${input.productName}`
      : `${input.quantity} × ${input.productName} (at $${((input.price.unit_amount ?? 0) / 100).toFixed(2)} / ${input.price.recurring?.interval ?? 'once'})`,
    discount_amounts: input.discountId
      ? [{ amount: input.discount, discount: input.discountId }]
      : [],
    discountable: true,
    discounts: input.discountId ? [input.discountId] : [],
    invoice: input.invoiceId,
    livemode: false,
    metadata: {},
    parent: {
      invoice_item_details: null,
      subscription_item_details: {
        invoice_item: null,
        proration: false,
        proration_details: { credited_items: null },
        subscription: input.subscription.id,
        subscription_item: item.id,
      },
      type: 'subscription_item_details',
    },
    period: { end: input.periodEnd, start: input.periodStart },
    pretax_credit_amounts: [],
    pricing: {
      price_details: {
        price: input.price.id,
        product:
          typeof input.price.product === 'string' ? input.price.product : input.price.product.id,
      },
      type: 'price_details',
      unit_amount_decimal: input.price.unit_amount_decimal,
    },
    quantity: input.quantity,
    quantity_decimal: null,
    subscription: input.subscription.id,
    subtotal,
    taxes: [],
  };
}

/**
 * A pending invoice item as a line of the invoice that takes it in. A proration's line keeps the
 * subscription item as its parent, with `proration: true` and the item that generated it.
 */
export function invoiceItemLine(
  item: Stripe.InvoiceItem,
  invoiceId: string,
  lineId: string,
): Stripe.InvoiceLineItem {
  const subscription = item.parent?.subscription_details;
  const credited = item.proration_details?.credited_items?.invoice_line_item_details ?? null;
  return {
    id: lineId,
    object: 'line_item',
    amount: item.amount,
    currency: item.currency,
    description: item.description,
    discount_amounts: [],
    discountable: item.discountable,
    discounts: [],
    invoice: invoiceId,
    livemode: false,
    metadata: item.metadata ?? {},
    parent: {
      invoice_item_details: null,
      subscription_item_details: {
        invoice_item: item.id,
        proration: item.proration,
        proration_details: { credited_items: credited },
        subscription: subscription?.subscription ?? null,
        subscription_item: subscription?.subscription_item ?? '',
      },
      type: 'subscription_item_details',
    },
    period: item.period,
    pretax_credit_amounts: [],
    pricing: item.pricing,
    quantity: item.quantity,
    quantity_decimal: null,
    subscription: subscription?.subscription ?? null,
    subtotal: item.amount,
    taxes: [],
  };
}

export interface InvoiceInput {
  id: string;
  customer: Stripe.Customer;
  subscription: Stripe.Subscription;
  lines: Stripe.InvoiceLineItem[];
  /** What the invoice looks back on: for a cycle invoice, the period that just ended. */
  periodStart: number;
  periodEnd: number;
  billingReason: Stripe.Invoice.BillingReason;
  created: number;
}

/**
 * A draft subscription invoice; `finalize`, `pay` and `failPayment` move it on. Its amount due is
 * never negative: a credit larger than the charges goes to the customer's balance on finalizing.
 */
export function buildInvoice(input: InvoiceInput): Stripe.Invoice {
  const subtotal = input.lines.reduce((sum, line) => sum + line.amount, 0);
  const discountAmounts = input.lines.flatMap((line) => line.discount_amounts ?? []);
  const discount = discountAmounts.reduce((sum, d) => sum + d.amount, 0);
  const discountIds = [...new Set(input.lines.flatMap((line) => line.discounts))];
  const total = subtotal - discount;
  const due = Math.max(0, total);
  return {
    id: input.id,
    object: 'invoice',
    account_country: 'US',
    account_name: 'Tilldrop (local)',
    account_tax_ids: null,
    amount_due: due,
    amount_overpaid: 0,
    amount_paid: 0,
    amount_remaining: due,
    amount_shipping: 0,
    application: null,
    attempt_count: 0,
    attempted: false,
    auto_advance: true,
    automatic_tax: {
      disabled_reason: null,
      enabled: false,
      liability: null,
      provider: null,
      status: null,
    },
    automatically_finalizes_at: null,
    billing_reason: input.billingReason,
    collection_method: 'charge_automatically',
    created: input.created,
    currency: input.subscription.currency,
    custom_fields: null,
    customer: input.customer.id,
    customer_account: null,
    customer_address: null,
    customer_email: input.customer.email,
    customer_name: input.customer.name ?? null,
    customer_phone: input.customer.phone ?? null,
    customer_shipping: null,
    customer_tax_exempt: 'none',
    customer_tax_ids: [],
    default_payment_method: null,
    default_source: null,
    default_tax_rates: [],
    description: null,
    discounts: discountIds,
    due_date: null,
    effective_at: null,
    ending_balance: null,
    footer: null,
    from_invoice: null,
    hosted_invoice_url: null,
    invoice_pdf: null,
    issuer: { type: 'self' },
    last_finalization_error: null,
    latest_revision: null,
    lines: {
      object: 'list',
      data: input.lines,
      has_more: false,
      url: `/v1/invoices/${input.id}/lines`,
    },
    livemode: false,
    metadata: {},
    next_payment_attempt: null,
    number: null,
    on_behalf_of: null,
    parent: {
      quote_details: null,
      subscription_details: {
        metadata: input.subscription.metadata,
        subscription: input.subscription.id,
      },
      type: 'subscription_details',
    },
    payment_settings: {
      default_mandate: null,
      payment_method_options: null,
      payment_method_types: null,
    },
    period_end: input.periodEnd,
    period_start: input.periodStart,
    post_payment_credit_notes_amount: 0,
    pre_payment_credit_notes_amount: 0,
    receipt_number: null,
    rendering: null,
    shipping_cost: null,
    shipping_details: null,
    starting_balance: 0,
    statement_descriptor: null,
    status: 'draft',
    status_transitions: {
      finalized_at: null,
      marked_uncollectible_at: null,
      paid_at: null,
      voided_at: null,
    },
    subtotal,
    subtotal_excluding_tax: subtotal,
    test_clock: null,
    total,
    total_discount_amounts: discountAmounts,
    total_excluding_tax: total,
    total_pretax_credit_amounts: [],
    total_taxes: [],
    webhooks_delivered_at: null,
  };
}

/**
 * Numbers the invoice and applies the customer's balance: a credit (negative balance) lowers what
 * is due, and whatever the invoice does not use, or a negative total adds, is its ending balance,
 * the customer's new balance (docs.stripe.com/invoicing/customer/balance).
 */
export function finalizeInvoice(
  invoice: Stripe.Invoice,
  number: string,
  now: number,
  customerBalance = 0,
): Stripe.Invoice {
  const net = invoice.total + customerBalance;
  const due = Math.max(0, net);
  return {
    ...invoice,
    number,
    status: 'open',
    amount_due: due,
    amount_remaining: due,
    starting_balance: customerBalance,
    ending_balance: net - due,
    effective_at: now,
    status_transitions: { ...invoice.status_transitions, finalized_at: now },
  };
}

export function payInvoice(invoice: Stripe.Invoice, now: number): Stripe.Invoice {
  return {
    ...invoice,
    amount_paid: invoice.amount_due,
    amount_remaining: 0,
    attempt_count: invoice.attempt_count + 1,
    attempted: true,
    next_payment_attempt: null,
    status: 'paid',
    status_transitions: { ...invoice.status_transitions, paid_at: now },
  };
}

/** A failed attempt leaves the invoice open; `hostedUrl` is where the buyer can still pay it. */
export function failInvoicePayment(
  invoice: Stripe.Invoice,
  nextAttempt: number | null,
  hostedUrl: string | null = null,
): Stripe.Invoice {
  return {
    ...invoice,
    attempt_count: invoice.attempt_count + 1,
    attempted: true,
    next_payment_attempt: nextAttempt,
    hosted_invoice_url: hostedUrl ?? invoice.hosted_invoice_url,
  };
}
