// Seed 004: `POST /api/subscription/create-checkout`, `{error, message}` envelopes.
import { z } from 'zod';
import { endpoint } from '../contract.ts';
import { PromotionCode } from '../promotion-code.ts';
import { UiMode } from './generic.ts';
import { ApiFailure, messageOf } from '../errors.ts';

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
};
