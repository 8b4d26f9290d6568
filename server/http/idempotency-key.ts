import type { Context } from 'koa';
import { badRequest } from '../errors.ts';

/** The client's `Idempotency-Key` header, as Stripe accepts them: at most 255 characters. */
export function idempotencyKeyOf(ctx: Context): string | undefined {
  const key = ctx.get('idempotency-key').trim();
  if (!key) return undefined;
  if (key.length > 255)
    throw badRequest('Idempotency-Key must be at most 255 characters', 'invalid_idempotency_key');
  return key;
}
