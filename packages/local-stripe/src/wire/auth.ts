import type { Middleware } from 'koa';
import { StripeApiError } from './errors.ts';

function unauthorized(message: string): StripeApiError {
  return new StripeApiError(401, { type: 'authentication_error', message });
}

/** Stripe shows the key's prefix and last four characters, never the rest. */
export function masked(key: string): string {
  const prefix = key.match(/^[a-z]+_[a-z]+_/)?.[0] ?? '';
  return `${prefix}${'*'.repeat(Math.max(0, key.length - prefix.length - 4))}${key.slice(-4)}`;
}

function keyFrom(header: string | undefined): string | null {
  if (!header) return null;
  const [scheme, value] = header.split(' ', 2);
  if (!value) return null;
  if (scheme?.toLowerCase() === 'bearer') return value.trim();
  // The secret key as the username of basic auth, as `curl -u sk_test_…:` sends it.
  if (scheme?.toLowerCase() === 'basic') {
    return Buffer.from(value, 'base64').toString('utf8').split(':')[0] ?? null;
  }
  return null;
}

export function requireSecretKey(secretKey: string): Middleware {
  return async (ctx, next) => {
    const key = keyFrom(ctx.get('authorization') || undefined);
    if (!key) {
      throw unauthorized(
        "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/.",
      );
    }
    if (key !== secretKey) throw unauthorized(`Invalid API Key provided: ${masked(key)}`);
    await next();
  };
}
