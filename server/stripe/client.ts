import Stripe from 'stripe';

/** Pinned so a Stripe-side default change never alters what the server sends or parses. */
export const STRIPE_API_VERSION = '2026-10-28.endive' as const;

export interface StripeTarget {
  secretKey: string;
  /** Where the API lives: api.stripe.com unless set (the local Stripe, or `STRIPE_API_URL`). */
  local?: StripeHost;
}

export interface StripeHost {
  host: string;
  port: number;
  protocol: 'http' | 'https';
}

/** `STRIPE_API_URL` as the SDK's host options, e.g. http://127.0.0.1:12111. */
export function stripeHostOf(apiUrl: string): StripeHost {
  const url = new URL(apiUrl);
  const protocol = url.protocol === 'http:' ? 'http' : 'https';
  const port = url.port ? Number(url.port) : protocol === 'http' ? 80 : 443;
  return { host: url.hostname, port, protocol };
}

/**
 * The Stripe a script talks to: `STRIPE_SECRET_KEY` at `STRIPE_API_URL` (api.stripe.com unless
 * set), or without a key the local Stripe that `npm start` runs beside the server.
 */
export function stripeTargetFromEnv(env: {
  STRIPE_SECRET_KEY?: string | undefined;
  STRIPE_API_URL?: string | undefined;
  LOCAL_STRIPE_PORT: number;
  LOCAL_STRIPE_SECRET_KEY?: string | undefined;
}): StripeTarget {
  if (env.STRIPE_SECRET_KEY) {
    return {
      secretKey: env.STRIPE_SECRET_KEY,
      local: env.STRIPE_API_URL ? stripeHostOf(env.STRIPE_API_URL) : undefined,
    };
  }
  return {
    secretKey: env.LOCAL_STRIPE_SECRET_KEY ?? 'sk_test_local',
    local: { host: '127.0.0.1', port: env.LOCAL_STRIPE_PORT, protocol: 'http' },
  };
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
