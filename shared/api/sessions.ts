// Seed 002: `POST /api/create-checkout-session`, `{sessionId, url}` or `{error}`.
import { z } from 'zod';
import { endpoint } from '../contract.ts';
import { messageOf, SessionFailure, USER_ID_MAX_LENGTH } from '../errors.ts';

const missing = messageOf('missing_parameters', 'sessions');
const required = z.string(missing).min(1, missing);

export const CreateSessionBody = z.object({
  userId: required.max(USER_ID_MAX_LENGTH, messageOf('user_id_too_long', 'sessions')),
  planId: required.pipe(z.enum(['weekly', 'one-time'], messageOf('invalid_plan', 'sessions'))),
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

export const sessionsApi = {
  createCheckoutSession: endpoint({
    method: 'POST',
    path: '/api/create-checkout-session',
    dialect: 'sessions',
    auth: 'named-buyer',
    // Anyone can name any user here, so those buyers spend a budget of their own.
    rateLimit: { perAddress: true, perBuyer: 'named-checkout' },
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
