import Stripe from 'stripe';

/** Pinned so a Stripe-side default change never alters what the server sends or parses. */
export const STRIPE_API_VERSION = '2026-10-28.endive' as const;

export interface StripeTarget {
  secretKey: string;
  /** Set only for the local Stripe; a real key talks to api.stripe.com. */
  local?: { host: string; port: number; protocol: 'http' };
}

export function createStripeClient(target: StripeTarget): Stripe {
  return new Stripe(target.secretKey, {
    apiVersion: STRIPE_API_VERSION,
    appInfo: { name: 'Tilldrop', version: '0.1.0' },
    // Retries reuse the request's idempotency key, so a retried write never happens twice.
    maxNetworkRetries: 2,
    timeout: 10_000,
    ...target.local,
  });
}

export type { Stripe };
