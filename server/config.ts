import { z } from 'zod';
import type { Catalog } from '../shared/index.ts';
import { loadCatalog } from './services/catalog.ts';

const blankIsUnset = (value: unknown) => (value === '' ? undefined : value);

const optional = <T extends z.ZodType>(schema: T) => z.preprocess(blankIsUnset, schema.optional());

/** Optional while developing; in production a missing value is a start-up error. */
const requiredInProduction = <T extends z.ZodType>(schema: T, production: boolean) =>
  production
    ? z.preprocess(
        blankIsUnset,
        z.custom((value) => value !== undefined, 'required in production').pipe(schema),
      )
    : optional(schema);

const PRICE_ID = /^price_\w+$/;

/**
 * One entry of ALLOWED_ORIGINS, reduced to its origin. Browsers send `Origin: null` from sandboxed
 * frames and files, and extensions have origins of their own: none of them is a merchant's page.
 */
const allowedOrigin = (production: boolean) =>
  z.string().transform((entry, ctx) => {
    const url = URL.canParse(entry) ? new URL(entry) : undefined;
    if (url?.protocol !== 'https:' && url?.protocol !== 'http:') {
      ctx.addIssue({ code: 'custom', message: `"${entry}" is not an http(s) origin` });
      return z.NEVER;
    }
    if (production && url.protocol !== 'https:') {
      ctx.addIssue({ code: 'custom', message: `"${entry}" must be https in production` });
      return z.NEVER;
    }
    return url.origin;
  });

const envSchema = (production: boolean) =>
  z.object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    HOST: z.string().default('127.0.0.1'),
    APP_URL: requiredInProduction(
      z
        .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
        .refine((url) => !production || url.startsWith('https://'), 'must be https in production')
        .transform((url) => url.replace(/\/+$/, '')),
      production,
    ),
    DATABASE_PATH: z.string().min(1).default('./data/tilldrop.sqlite'),
    // PostgreSQL instead of the SQLite file: what several instances of the API share.
    DATABASE_URL: optional(
      z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL'),
    ),
    AUTH_SECRET: requiredInProduction(
      z.string().min(32, 'must be at least 32 characters'),
      production,
    ),
    // Tokens minted for another service sharing AUTH_SECRET carry another audience.
    ACCESS_TOKEN_AUDIENCE: z.preprocess(blankIsUnset, z.string().min(1).default('tilldrop')),
    ACCESS_TOKEN_MAX_AGE: z.preprocess(
      blankIsUnset,
      z.coerce
        .number()
        .int()
        .positive()
        .default(24 * 60 * 60),
    ),
    SERVER_API_KEY: optional(z.string().min(24, 'must be at least 24 characters')),
    STRIPE_SECRET_KEY: requiredInProduction(
      z
        .string()
        .regex(/^(sk|rk)_(test|live)_\w+$/, 'must be a Stripe secret key (sk_test_… or sk_live_…)'),
      production,
    ),
    STRIPE_WEBHOOK_SECRET: requiredInProduction(
      z
        .string()
        .regex(
          /^whsec_\w+(,\s*whsec_\w+)*$/,
          'must be one or more whsec_… secrets, comma-separated',
        ),
      production,
    ),
    // What Stripe.js is called with for embedded checkout; the bundled local Stripe has its own.
    STRIPE_PUBLISHABLE_KEY: requiredInProduction(
      z
        .string()
        .regex(/^pk_(test|live)_\w+$/, 'must be a Stripe publishable key (pk_test_… or pk_live_…)'),
      production,
    ),
    // Stripe's API cannot make an account's default portal configuration (only saving the portal
    // settings in the Dashboard does), so on an account without one every session names this.
    STRIPE_PORTAL_CONFIGURATION_ID: optional(
      z.string().regex(/^bpc_\w+$/, 'must be a billing portal configuration id (bpc_…)'),
    ),
    // Another Stripe-compatible API (the local Stripe in its own process); api.stripe.com when unset.
    STRIPE_API_URL: optional(
      z
        .url({ protocol: /^https?$/ })
        .refine((url) => new URL(url).pathname === '/', 'must be an origin, with no path'),
    ),
    // The price variables are the catalog's own (`priceEnv`), read by `pricesOf` below.
    PLANS_FILE: optional(z.string().min(1)),
    ALLOWED_ORIGINS: z
      .string()
      .default('')
      .transform((list) =>
        list
          .split(',')
          .map((origin) => origin.trim())
          .filter(Boolean),
      )
      .pipe(z.array(allowedOrigin(production))),
    LOCAL_STRIPE_PORT: z.coerce.number().int().min(0).max(65535).default(12111),
    LOCAL_STRIPE_DATABASE_PATH: z.string().min(1).default('./data/local-stripe.sqlite'),
    /** The key of a local Stripe started on its own (`npm run stripe:local`), for the scripts. */
    LOCAL_STRIPE_SECRET_KEY: optional(z.string().min(1)),
    LOG_LEVEL: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
      .default('info'),
    RATE_LIMIT_PER_MINUTE: z.coerce.number().int().positive().default(30),
    // Unset: ten buyers' worth, since offices and mobile carriers share one address.
    RATE_LIMIT_PER_IP_PER_MINUTE: optional(z.coerce.number().int().positive()),
    TRUST_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),
  });

export type Env = z.infer<ReturnType<typeof envSchema>> & {
  /** PLANS_FILE's catalog, or the built-in one. */
  catalog: Catalog;
  /** The Stripe price id in each catalog price variable that is set, by variable name. */
  priceIds: Readonly<Record<string, string>>;
};

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Parses the environment once, the plan catalog and its price variables included, for the server
 * and the scripts alike; every problem is named so the operator can fix them all at once.
 */
export function parseEnv(env: Record<string, string | undefined>): Env {
  const settings = envSchema(env.NODE_ENV === 'production').safeParse(env);
  const plans = plansOf(env);
  if (settings.success && 'catalog' in plans) return { ...settings.data, ...plans };
  const problems = settings.success ? [] : settings.error.issues.map(problemLine);
  throw invalid([...problems, ...('problems' in plans ? plans.problems : [])]);
}

/**
 * The catalog and the price ids its entries name. A catalog's `priceEnv` may name any variable,
 * so they are read from the raw environment, whose unknown keys the schema above drops.
 */
function plansOf(
  env: Record<string, string | undefined>,
): Pick<Env, 'catalog' | 'priceIds'> | { problems: string[] } {
  let catalog: Catalog;
  try {
    catalog = loadCatalog(env.PLANS_FILE || undefined);
  } catch (error) {
    return { problems: [`  ${(error as Error).message.replaceAll('\n', '\n  ')}`] };
  }
  const priceIds: Record<string, string> = {};
  const problems: string[] = [];
  for (const name of new Set(catalog.map((entry) => entry.priceEnv))) {
    const value = env[name];
    if (!value) continue;
    if (PRICE_ID.test(value)) priceIds[name] = value;
    else problems.push(`  ${name}: must be a Stripe price id (price_…)`);
  }
  return problems.length > 0 ? { problems } : { catalog, priceIds };
}

/** What minting an access token needs (`npm run token`), read as the server reads it. */
export function parseTokenEnv(env: Record<string, string | undefined>) {
  const schema = envSchema(false).pick({
    AUTH_SECRET: true,
    ACCESS_TOKEN_AUDIENCE: true,
    ACCESS_TOKEN_MAX_AGE: true,
  });
  return parseWith(schema, env);
}

function parseWith<S extends z.ZodType>(schema: S, env: Record<string, string | undefined>) {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  throw invalid(result.error.issues.map(problemLine));
}

const problemLine = (issue: z.core.$ZodIssue) => `  ${issue.path.join('.')}: ${issue.message}`;

const invalid = (lines: string[]) => new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
