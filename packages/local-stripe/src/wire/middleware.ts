import type { Middleware } from 'koa';
import { newRequestId } from '../store/ids.ts';
import { apiError, invalidRequest, StripeApiError } from './errors.ts';
import { parseForm } from './form.ts';
import { readRawBody } from './raw-body.ts';
import { runInRequest } from './request-context.ts';
import { errorBody } from './respond.ts';
import { requestVersion } from './versions.ts';

/**
 * First in the chain: names the request, renders every failure in Stripe's error envelope, and
 * keeps internal errors' details in the log rather than the response.
 */
export function stripeEnvelope(log: (line: string) => void): Middleware {
  return async (ctx, next) => {
    const id = newRequestId();
    ctx.set('Request-Id', id);
    ctx.set('Stripe-Version', requestVersion(ctx));
    try {
      await runInRequest({ id, idempotencyKey: ctx.get('idempotency-key') || null }, next);
      if (ctx.status === 404 && ctx.body === undefined) {
        throw invalidRequest(
          `Unrecognized request URL (${ctx.method}: ${ctx.path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`,
          undefined,
          undefined,
          404,
        );
      }
    } catch (error) {
      const failure = error instanceof StripeApiError ? error : apiError();
      if (!(error instanceof StripeApiError)) {
        log(
          `${ctx.method} ${ctx.path} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
        );
      }
      ctx.status = failure.status;
      ctx.type = 'application/json';
      ctx.body = errorBody({
        ...failure.body,
        request_log_url: `https://dashboard.stripe.com/test/logs/${id}`,
      });
    }
  };
}

/** Form bodies for writes, the query string for reads, both with Stripe's bracket keys. */
export function stripeParams(): Middleware {
  return async (ctx, next) => {
    const raw =
      ctx.method === 'GET' || ctx.method === 'DELETE'
        ? ctx.querystring
        : await readRawBody(ctx.req);
    const body = ctx.method === 'DELETE' && !raw ? await readRawBody(ctx.req) : raw;
    (ctx.state as { params: unknown }).params = parseForm(body);
    await next();
  };
}
