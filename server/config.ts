import { z } from 'zod';

const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (value === '' ? undefined : value), schema.optional());

const priceId = optional(z.string().regex(/^price_\w+$/, 'must be a Stripe price id (price_…)'));

const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('127.0.0.1'),
  APP_URL: optional(z.url().transform((url) => url.replace(/\/+$/, ''))),
  DATABASE_PATH: z.string().min(1).default('./data/tilldrop.sqlite'),
  AUTH_SECRET: optional(z.string().min(32, 'must be at least 32 characters')),
  SERVER_API_KEY: optional(z.string().min(24, 'must be at least 24 characters')),
  STRIPE_SECRET_KEY: optional(
    z
      .string()
      .regex(/^(sk|rk)_(test|live)_\w+$/, 'must be a Stripe secret key (sk_test_… or sk_live_…)'),
  ),
  STRIPE_WEBHOOK_SECRET: optional(
    z
      .string()
      .regex(/^whsec_\w+(,\s*whsec_\w+)*$/, 'must be one or more whsec_… secrets, comma-separated'),
  ),
  // Another Stripe-compatible API (the local Stripe in its own process); api.stripe.com when unset.
  STRIPE_API_URL: optional(
    z
      .url({ protocol: /^https?$/ })
      .refine((url) => new URL(url).pathname === '/', 'must be an origin, with no path'),
  ),
  STRIPE_WEEKLY_PRICE_ID: priceId,
  STRIPE_ONE_TIME_PRICE_ID: priceId,
  STRIPE_BASIC_MONTHLY_PRICE_ID: priceId,
  STRIPE_BASIC_ANNUAL_PRICE_ID: priceId,
  STRIPE_PRO_MONTHLY_PRICE_ID: priceId,
  STRIPE_PRO_ANNUAL_PRICE_ID: priceId,
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
    .pipe(z.array(z.url().transform((url) => new URL(url).origin))),
  LOCAL_STRIPE_PORT: z.coerce.number().int().min(0).max(65535).default(12111),
  LOCAL_STRIPE_DATABASE_PATH: z.string().min(1).default('./data/local-stripe.sqlite'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().positive().default(30),
  // Unset: ten buyers' worth, since offices and mobile carriers share one address.
  RATE_LIMIT_PER_IP_PER_MINUTE: optional(z.coerce.number().int().positive()),
  TRUST_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),
});

export type Env = z.infer<typeof EnvSchema>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses the environment once; every problem is named so the operator can fix them all at once. */
export function parseEnv(env: Record<string, string | undefined>): Env {
  const result = EnvSchema.safeParse(env);
  if (result.success) {
    if (env.NODE_ENV === 'production' && !result.data.AUTH_SECRET) {
      throw new ConfigError('Invalid configuration:\n  AUTH_SECRET: required in production');
    }
    return result.data;
  }
  const lines = result.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
  throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
}
