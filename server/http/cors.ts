import cors from '@koa/cors';
import type { Middleware } from 'koa';

export type OriginCheck = (origin: string) => boolean;

/**
 * Whether a request's `Origin` is one of `allowedOrigins`, exactly. `null` never is: browsers send
 * it from sandboxed iframes, `data:` pages and redirects, which any site can create, and it is
 * also what an opaque origin such as `chrome-extension://…` turns into when parsed.
 */
export function allowedOriginCheck(allowedOrigins: readonly string[]): OriginCheck {
  const allowed = new Set(allowedOrigins);
  return (origin) => origin !== 'null' && allowed.has(origin);
}

/** Only allowed origins may call the API from a browser, with cookies; others get no CORS headers. */
export function corsFor(isAllowed: OriginCheck): Middleware {
  return cors({
    origin: (ctx) => {
      const origin = ctx.get('origin');
      return isAllowed(origin) ? origin : '';
    },
    credentials: true,
    allowMethods: ['GET', 'POST', 'OPTIONS'],
    allowHeaders: ['Content-Type', 'Authorization', 'Idempotency-Key', 'X-Request-Id'],
    exposeHeaders: ['X-Request-Id', 'Retry-After'],
    maxAge: 600,
  });
}
