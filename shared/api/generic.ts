// Seed 000: the generic payment API, `{success, data, message}` envelopes.
import { z } from 'zod';
import { endpoint } from '../contract.ts';
import { CHECKOUT_PATH, CHECKOUT_SESSION_PATH } from './paths.ts';
import { PromotionCode } from '../promotion-code.ts';
import { Billing, PlanName } from '../catalog.ts';
import { GenericFailure, messageOf } from '../errors.ts';

/** What a success says; errors are worded in shared/errors.ts. */
export const GenericMessages = {
  created: 'Checkout session created successfully',
  retrieved: 'Checkout session retrieved successfully',
} as const;

/** Where the buyer pays: on Stripe's page (the default) or in the merchant's, through Stripe.js. */
export const UiMode = (message: string) => z.enum(['hosted', 'embedded'], message);

const invalidPlan = messageOf('invalid_plan', 'generic');

export const CreateCheckoutParams = z.object({
  planId: z.string(invalidPlan).regex(/^[A-Za-z0-9_-]{1,64}$/, invalidPlan),
  promotionCode: z.optional(PromotionCode),
  // Judged by the checkout service: z.url() would quietly strip the tabs and newlines it refuses.
  successUrl: z.string().optional(),
  cancelUrl: z.string().optional(),
  uiMode: UiMode(messageOf('invalid_ui_mode', 'generic')).optional(),
});
export type CreateCheckoutParams = z.input<typeof CreateCheckoutParams>;

export const CheckoutCreated = z.object({
  checkoutUrl: z.url(),
  checkoutId: z.string(),
  expiresAt: z.iso.datetime(),
});

/** `uiMode: "embedded"`: no page to go to; Stripe.js opens the session with its client secret. */
export const EmbeddedCheckoutCreated = CheckoutCreated.extend({
  checkoutUrl: z.null(),
  clientSecret: z.string(),
});

export const CheckoutState = z.object({
  checkoutId: z.string(),
  status: z.enum(['open', 'complete', 'expired']),
  paymentStatus: z.enum(['paid', 'unpaid', 'no_payment_required']),
  planId: z.string(),
  plan: PlanName,
  billing: Billing,
  expiresAt: z.iso.datetime(),
  /** Only while the session is open: a finished session cannot be paid again. */
  checkoutUrl: z.url().nullable(),
  /** True once the purchase has been recorded and the buyer has what they paid for. */
  fulfilled: z.boolean(),
  /** What Stripe charges for it, in minor units, after any discount. */
  currency: z.string().nullable(),
  amountSubtotal: z.number().int().nullable(),
  amountTotal: z.number().int().nullable(),
});
export type CheckoutState = z.infer<typeof CheckoutState>;

const success = <T extends z.ZodType>(data: T) =>
  z.object({ success: z.literal(true), data, message: z.string() });

export const CheckoutResponse = success(CheckoutCreated);
export type CheckoutResponse = z.infer<typeof CheckoutResponse>;
export const EmbeddedCheckoutResponse = success(EmbeddedCheckoutCreated);
export type EmbeddedCheckoutResponse = z.infer<typeof EmbeddedCheckoutResponse>;
export const CheckoutStateResponse = success(CheckoutState);
export type CheckoutStateResponse = z.infer<typeof CheckoutStateResponse>;

const failures = {
  400: GenericFailure,
  401: GenericFailure,
  404: GenericFailure,
  409: GenericFailure,
  429: GenericFailure,
  500: GenericFailure,
};

export const genericApi = {
  createCheckoutSession: endpoint({
    method: 'POST',
    path: CHECKOUT_PATH,
    dialect: 'generic',
    auth: 'buyer',
    rateLimit: { perAddress: true, perBuyer: 'checkout' },
    body: CreateCheckoutParams,
    responses: { 200: z.union([CheckoutResponse, EmbeddedCheckoutResponse]), ...failures },
  }),
  getCheckoutSession: endpoint({
    method: 'GET',
    path: CHECKOUT_SESSION_PATH,
    dialect: 'generic',
    auth: 'buyer',
    // Only an open session is asked of Stripe, so only polling one spends the buyer's budget.
    rateLimit: { perAddress: false, perBuyer: 'checkout-status', spent: 'stripe-call' },
    responses: { 200: CheckoutStateResponse, ...failures },
  }),
};
