import type { Context } from 'koa';
import { AppError } from '../errors.ts';

/** The client's `Idempotency-Key` header, as Stripe accepts them: at most 255 characters. */
export function idempotencyKeyOf(ctx: Context): string | undefined {
  const key = ctx.get('idempotency-key').trim();
  if (!key) return undefined;
  if (key.length > 255) throw new AppError('invalid_idempotency_key');
  return key;
}
