import type { z } from 'zod';
import type { Dialect } from './errors.ts';

/**
 * Who may call an endpoint. `none`: anyone. `buyer`: a signed-in buyer, by access token (Bearer,
 * or the `access_token` cookie), else 401. `server-key`: the site owner's backend, by
 * `Authorization: Bearer <SERVER_API_KEY>`, else 401. `named-buyer` (seed 002, documented without
 * credentials): anyone, for the buyer the body's `userId` names; the server key or that buyer's
 * own access token proves it, and without either the buyer is unverified and kept apart.
 */
export type Auth = 'none' | 'buyer' | 'server-key' | 'named-buyer';

/** A buyer's separate allowances, each RATE_LIMIT_PER_MINUTE requests a minute. */
export type Budget =
  'checkout' | 'named-checkout' | 'checkout-status' | 'billing-portal' | 'promotion-code';

/**
 * What a request costs, for the endpoints that call Stripe: each call spends a share of the site
 * owner's own Stripe rate limit, and an anonymous promotion-code check would let codes be guessed.
 */
export interface RateLimit {
  /** One of the client address's allowance (RATE_LIMIT_PER_IP_PER_MINUTE) per request. */
  perAddress: boolean;
  /** One of the buyer's allowance in this budget: the signed-in buyer's, or the named buyer's. */
  perBuyer?: Budget;
  /** `stripe-call`: the handler spends the buyer's allowance only when it asks Stripe. */
  spent?: 'every-request' | 'stripe-call';
}

/**
 * One endpoint described once, as data: the server mounts it (auth, limits, validation, error
 * dialect) from this, the clients type with it.
 */
export interface Endpoint {
  method: 'GET' | 'POST';
  path: string;
  /** The envelope its errors are answered in. */
  dialect: Dialect;
  auth: Auth;
  rateLimit?: RateLimit;
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  responses: Record<number, z.ZodType>;
}

export function endpoint<const E extends Endpoint>(definition: E): E {
  return definition;
}

/** Stripe objects carry times as Unix seconds; the APIs speak ISO 8601 without milliseconds. */
export function isoFromUnix(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
