// Seed 004: `POST /api/subscription/create-checkout`, `{error, message}` envelopes.
import { z } from 'zod';
import { endpoint } from '../contract.ts';
import { PromotionCode } from '../promotion-code.ts';

export const SubscriptionMessages = {
  created: 'Checkout session created successfully',
  authenticationRequired: 'Authentication required',
  tokenExpired: 'Access token expired',
  invalidPlan: 'Invalid plan. Must be BASIC or PRO',
  invalidBilling: 'Invalid billing. Must be monthly or annual',
  alreadySubscribed: 'You are already subscribed to this plan',
  failed: 'Failed to create checkout session',
} as const;

/** The `error` field of each status, as seed 004 spells it. */
export const ErrorNames: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

export const SubscriptionCheckoutBody = z.object({
  plan: z.enum(['BASIC', 'PRO'], SubscriptionMessages.invalidPlan),
  promotionCode: z.optional(PromotionCode),
  billing: z.enum(['monthly', 'annual'], SubscriptionMessages.invalidBilling).default('monthly'),
});
export type SubscriptionCheckoutBody = z.input<typeof SubscriptionCheckoutBody>;

export const SubscriptionCheckoutCreated = z.object({
  sessionId: z.string(),
  url: z.url(),
  message: z.string(),
});
export type SubscriptionCheckoutCreated = z.infer<typeof SubscriptionCheckoutCreated>;

/** The envelope of every error under `/api/` except seed 002's route. */
export const ApiFailure = z.object({ error: z.string(), message: z.string() });
export type ApiFailure = z.infer<typeof ApiFailure>;

export const subscriptionApi = {
  createCheckout: endpoint({
    method: 'POST',
    path: '/api/subscription/create-checkout',
    body: SubscriptionCheckoutBody,
    responses: {
      200: SubscriptionCheckoutCreated,
      400: ApiFailure,
      401: ApiFailure,
      409: ApiFailure,
      429: ApiFailure,
      500: ApiFailure,
    },
  }),
};
