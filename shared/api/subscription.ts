// Seed 004: `POST /api/subscription/create-checkout`, `{error, message}` envelopes.
import { z } from 'zod';
import { endpoint } from '../contract.ts';
import { PromotionCode } from '../promotion-code.ts';
import { UiMode } from './generic.ts';
import { ApiFailure, messageOf } from '../errors.ts';
import { CHANGE_PREVIEW_PATH } from './paths.ts';
import { Billing, PlanName } from '../catalog.ts';

/** What a success says; errors are worded in shared/errors.ts. */
export const SubscriptionMessages = {
  created: 'Checkout session created successfully',
} as const;

export const SubscriptionCheckoutBody = z.object({
  plan: z.enum(['BASIC', 'PRO'], messageOf('invalid_plan', 'api')),
  promotionCode: z.optional(PromotionCode),
  billing: z.enum(['monthly', 'annual'], messageOf('invalid_billing', 'api')).default('monthly'),
  uiMode: UiMode(messageOf('invalid_ui_mode', 'api')).optional(),
});
export type SubscriptionCheckoutBody = z.input<typeof SubscriptionCheckoutBody>;

export const SubscriptionCheckoutCreated = z.object({
  sessionId: z.string(),
  url: z.url(),
  message: z.string(),
});
export type SubscriptionCheckoutCreated = z.infer<typeof SubscriptionCheckoutCreated>;

/** `uiMode: "embedded"`: the client secret Stripe.js opens the session with, instead of a URL. */
export const EmbeddedSubscriptionCheckoutCreated = SubscriptionCheckoutCreated.omit({
  url: true,
}).extend({ clientSecret: z.string() });
export type EmbeddedSubscriptionCheckoutCreated = z.infer<
  typeof EmbeddedSubscriptionCheckoutCreated
>;

export const ChangePreviewQuery = SubscriptionCheckoutBody.pick({ plan: true, billing: true });

/** What switching the buyer's subscription to a catalog price would cost; amounts in minor units. */
export const ChangePreview = z.object({
  plan: PlanName,
  billing: Billing,
  /** An upgrade applies now, charged prorated at once; a downgrade at the end of the period. */
  effective: z.enum(['now', 'period_end']),
  effectiveAt: z.iso.datetime(),
  /** Charged when the change is confirmed: the prorated difference, or 0 for a downgrade. */
  amountDue: z.number().int(),
  currency: z.string(),
  /** The renewal after the change, and when it is charged. */
  nextAmount: z.number().int(),
  nextRenewalAt: z.iso.datetime(),
  /** The moment the prorations were computed for; null when nothing is prorated. */
  prorationDate: z.iso.datetime().nullable(),
});
export type ChangePreview = z.infer<typeof ChangePreview>;

export const subscriptionApi = {
  createCheckout: endpoint({
    method: 'POST',
    path: '/api/subscription/create-checkout',
    dialect: 'api',
    auth: 'buyer',
    rateLimit: { perAddress: true, perBuyer: 'checkout' },
    body: SubscriptionCheckoutBody,
    responses: {
      200: z.union([SubscriptionCheckoutCreated, EmbeddedSubscriptionCheckoutCreated]),
      400: ApiFailure,
      401: ApiFailure,
      409: ApiFailure,
      429: ApiFailure,
      500: ApiFailure,
    },
  }),
  changePreview: endpoint({
    method: 'GET',
    path: CHANGE_PREVIEW_PATH,
    dialect: 'api',
    auth: 'buyer',
    query: ChangePreviewQuery,
    responses: {
      200: ChangePreview,
      400: ApiFailure,
      401: ApiFailure,
      404: ApiFailure,
      409: ApiFailure,
      429: ApiFailure,
      500: ApiFailure,
    },
  }),
};
