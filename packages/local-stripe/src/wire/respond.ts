import type { Context } from 'koa';
import type { StripeErrorBody } from './errors.ts';
import { inVersion, requestVersion } from './versions.ts';

/**
 * Answers in the API version the request asked for. Stripe pretty-prints its JSON; idempotent
 * replays depend on these exact bytes.
 */
export function respond(ctx: Context, body: unknown, status = 200): void {
  ctx.status = status;
  ctx.type = 'application/json';
  ctx.body = JSON.stringify(inVersion(body, requestVersion(ctx)), null, 2);
}

export function errorBody(error: StripeErrorBody): string {
  return JSON.stringify({ error }, null, 2);
}
