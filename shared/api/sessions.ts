// Seed 002: `POST /api/create-checkout-session`, `{sessionId, url}` or `{error}`.
import { z } from 'zod';
import { endpoint } from '../contract.ts';

/**
 * The longest user id any dialect takes: Stripe refuses a `client_reference_id` over 200
 * characters, and the user id is sent as one.
 */
export const USER_ID_MAX_LENGTH = 200;

export const SessionMessages = {
  missing: 'Missing userId or planId',
  invalidPlan: 'Invalid planId. Must be "weekly" or "one-time"',
  failed: 'An error occurred',
  tokenForAnotherUser: 'The access token is for another user than userId',
  userIdTooLong: `userId must be at most ${USER_ID_MAX_LENGTH} characters`,
} as const;

const required = z.string(SessionMessages.missing).min(1, SessionMessages.missing);

export const CreateSessionBody = z.object({
  userId: required.max(USER_ID_MAX_LENGTH, SessionMessages.userIdTooLong),
  planId: required.pipe(z.enum(['weekly', 'one-time'], SessionMessages.invalidPlan)),
});
export type CreateSessionBody = z.input<typeof CreateSessionBody>;

export const SessionCreated = z.object({
  sessionId: z.string(),
  /**
   * Stripe's page for the session: Stripe.js no longer has `redirectToCheckout`, so a client sends
   * the buyer here. Not in the seed, which predates that; added beside `sessionId`.
   */
  url: z.string(),
});
export type SessionCreated = z.infer<typeof SessionCreated>;
export const SessionFailure = z.object({ error: z.string() });

export const sessionsApi = {
  createCheckoutSession: endpoint({
    method: 'POST',
    path: '/api/create-checkout-session',
    body: CreateSessionBody,
    responses: {
      200: SessionCreated,
      400: SessionFailure,
      401: SessionFailure,
      403: SessionFailure,
      409: SessionFailure,
      429: SessionFailure,
      500: SessionFailure,
    },
  }),
};
