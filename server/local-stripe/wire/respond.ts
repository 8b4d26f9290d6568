import type { Context } from 'koa';
import type { StripeErrorBody } from './errors.ts';

/** Stripe pretty-prints its JSON; idempotent replays depend on these exact bytes. */
export function respond(ctx: Context, body: unknown, status = 200): void {
  ctx.status = status;
  ctx.type = 'application/json';
  ctx.body = JSON.stringify(body, null, 2);
}

export function errorBody(error: StripeErrorBody): string {
  return JSON.stringify({ error }, null, 2);
}
