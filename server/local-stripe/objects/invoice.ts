import type Stripe from 'stripe';

export interface InvoiceInput {
  id: string;
  lineId: string;
  customer: Stripe.Customer;
  subscription: Stripe.Subscription;
  price: Stripe.Price;
  quantity: number;
  productName: string;
  periodStart: number;
  periodEnd: number;
  discount: number;
  discountId: string | null;
  billingReason: Stripe.Invoice.BillingReason;
  number: string;
  created: number;
}

/** A draft subscription invoice; `finalize`, `pay` and `failPayment` move it on. */
export function buildInvoice(input: InvoiceInput): Stripe.Invoice {
  const subtotal = (input.price.unit_amount ?? 0) * input.quantity;
  const total = subtotal - input.discount;
  const item = input.subscription.items.data[0]!;
  const line: Stripe.InvoiceLineItem = {
    id: input.lineId,
    object: 'line_item',
    amount: subtotal,
    currency: input.price.currency,
    description: `${input.quantity} × ${input.productName} (at $${((input.price.unit_amount ?? 0) / 100).toFixed(2)} / ${input.price.recurring?.interval ?? 'once'})`,
    discount_amounts: input.discountId
      ? [{ amount: input.discount, discount: input.discountId }]
      : [],
    discountable: true,
    discounts: input.discountId ? [input.discountId] : [],
    invoice: input.id,
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
  return {
    id: input.id,
    object: 'invoice',
    account_country: 'US',
    account_name: 'Tilldrop (local)',
    account_tax_ids: null,
    amount_due: total,
    amount_overpaid: 0,
    amount_paid: 0,
    amount_remaining: total,
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
    currency: input.price.currency,
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
    discounts: input.discountId ? [input.discountId] : [],
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
    lines: { object: 'list', data: [line], has_more: false, url: `/v1/invoices/${input.id}/lines` },
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
    total_discount_amounts: input.discountId
      ? [{ amount: input.discount, discount: input.discountId }]
      : [],
    total_excluding_tax: total,
    total_pretax_credit_amounts: [],
    total_taxes: [],
    webhooks_delivered_at: null,
  };
}

export function finalizeInvoice(
  invoice: Stripe.Invoice,
  number: string,
  now: number,
): Stripe.Invoice {
  return {
    ...invoice,
    number,
    status: 'open',
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
