import type { SeedOptions } from './seed.ts';
import { launchLocalStripe } from './server.ts';

export interface LocalStripeOptions {
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  /** ':memory:' for tests. */
  databasePath?: string;
  /** The only API key accepted. */
  secretKey?: string;
  /** The only key Stripe.js is accepted with, a `pk_test_` key; `pk_test_local` unless set. */
  publishableKey?: string;
  /** More can be added through `POST /v1/webhook_endpoints`. */
  webhookEndpoints?: { url: string; secret: string }[];
  /** The plan catalog, promotion codes and default portal settings; on unless false. */
  seed?: boolean | SeedOptions;
  log?: (line: string) => void;
  /** Origins besides its own whose pages may call the `/_local` control API (the API's demo). */
  controlOrigins?: string[];
}

export interface LocalStripe {
  /** e.g. http://127.0.0.1:12111, also the base of hosted page URLs. */
  url: string;
  port: number;
  secretKey: string;
  publishableKey: string;
  /** The Stripe.js stand-in, for a `<script>` before `loadStripe` (which then uses it). */
  stripeJsUrl: string;
  /** SDK options that point the official client here. */
  clientOptions: { host: string; port: number; protocol: 'http' };
  close(): Promise<void>;
}

/** Tuning that tests and the demo may want; not part of the public options. */
export interface LocalStripeInternals {
  webhookBackoffMs?: number[];
  webhookTimeoutMs?: number;
  /** How long an injected `timeout` fault holds a request. */
  faultHangMs?: number;
}

/** Starts the local Stripe; resolves once it listens. */
export async function startLocalStripe(
  options: LocalStripeOptions & LocalStripeInternals = {},
): Promise<LocalStripe> {
  return (await launchLocalStripe(options)).stripe;
}
