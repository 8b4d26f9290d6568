import type Stripe from 'stripe';

export interface SessionInput {
  id: string;
  mode: Stripe.Checkout.Session.Mode;
  uiMode: 'hosted_page' | 'embedded_page';
  /** Null for embedded sessions, which Stripe.js opens with the client secret instead. */
  url: string | null;
  clientSecret: string | null;
  /** Where an embedded session sends the buyer once paid; null for hosted sessions. */
  embedding: {
    returnUrl: string | null;
    redirectOnCompletion: Stripe.Checkout.Session.RedirectOnCompletion;
  } | null;
  created: number;
  expiresAt: number;
  currency: string;
  successUrl: string | null;
  cancelUrl: string | null;
  clientReferenceId: string | null;
  metadata: Record<string, string>;
  customer: string | null;
  customerEmail: string | null;
  customerCreation: Stripe.Checkout.Session.CustomerCreation | null;
  allowPromotionCodes: boolean | null;
  paymentMethodTypes: string[];
  locale: Stripe.Checkout.Session.Locale | null;
  billingAddressCollection: Stripe.Checkout.Session.BillingAddressCollection | null;
  submitType: Stripe.Checkout.Session.SubmitType | null;
}

/** A new, open session; amounts and discounts are filled in by `priceSession`. */
export function buildCheckoutSession(input: SessionInput): Stripe.Checkout.Session {
  return {
    id: input.id,
    object: 'checkout.session',
    adaptive_pricing: { enabled: false },
    after_expiration: null,
    allow_promotion_codes: input.allowPromotionCodes,
    allowed_payment_method_types: null,
    amount_subtotal: 0,
    amount_total: 0,
    automatic_tax: { enabled: false, liability: null, provider: null, status: null },
    billing_address_collection: input.billingAddressCollection,
    cancel_url: input.cancelUrl,
    client_reference_id: input.clientReferenceId,
    client_secret: input.clientSecret,
    collected_information: null,
    consent: null,
    consent_collection: null,
    created: input.created,
    currency: input.currency,
    currency_conversion: null,
    custom_fields: [],
    custom_text: {
      after_submit: null,
      shipping_address: null,
      submit: null,
      terms_of_service_acceptance: null,
    },
    customer: input.customer,
    customer_account: null,
    customer_creation: input.customerCreation,
    customer_details: null,
    customer_email: input.customerEmail,
    discounts: [],
    expires_at: input.expiresAt,
    integration_identifier: null,
    invoice: null,
    invoice_creation:
      input.mode === 'payment'
        ? {
            enabled: false,
            invoice_data: {
              account_tax_ids: null,
              custom_fields: null,
              description: null,
              footer: null,
              issuer: null,
              metadata: {},
              rendering_options: null,
            },
          }
        : null,
    livemode: false,
    locale: input.locale,
    managed_payments: null,
    metadata: input.metadata,
    mode: input.mode,
    origin_context: null,
    payment_intent: null,
    payment_link: null,
    payment_method_collection: input.mode === 'subscription' ? 'always' : null,
    payment_method_configuration_details: null,
    payment_method_options: {},
    payment_method_types: input.paymentMethodTypes,
    payment_status: 'unpaid',
    permissions: null,
    phone_number_collection: { enabled: false },
    recovered_from: null,
    saved_payment_method_options: null,
    setup_intent: null,
    shipping_address_collection: null,
    shipping_cost: null,
    shipping_options: [],
    status: 'open',
    submit_type: input.submitType,
    subscription: null,
    success_url: input.successUrl,
    total_details: { amount_discount: 0, amount_shipping: 0, amount_tax: 0 },
    ui_mode: input.uiMode,
    url: input.url,
    wallet_options: null,
    // Only embedded sessions carry these, as in Stripe's answers.
    ...(input.embedding && {
      redirect_on_completion: input.embedding.redirectOnCompletion,
      ...(input.embedding.returnUrl !== null && { return_url: input.embedding.returnUrl }),
    }),
  };
}

export function buildLineItem(
  id: string,
  price: Stripe.Price,
  quantity: number,
  description: string | null,
): Stripe.LineItem {
  const subtotal = (price.unit_amount ?? 0) * quantity;
  return {
    id,
    object: 'item',
    adjustable_quantity: null,
    amount_discount: 0,
    amount_subtotal: subtotal,
    amount_tax: 0,
    amount_total: subtotal,
    currency: price.currency,
    description,
    metadata: {},
    price,
    quantity,
  };
}
