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

// Fixed for the life of the server, so every answer reuses the same strings.
const ALLOW_METHODS = 'GET,POST,OPTIONS';
const ALLOW_HEADERS = 'Content-Type,Authorization,Idempotency-Key,X-Request-Id';
const EXPOSE_HEADERS = 'X-Request-Id,Retry-After';
const MAX_AGE_SECONDS = '600';

/**
 * Only allowed origins may call the API from a browser, with cookies; others get no CORS headers.
 * Every answer varies on `Origin`, since it decides the headers. A preflight (OPTIONS with
 * `Access-Control-Request-Method`) from an allowed origin is answered here with 204; any other
 * request goes on. Synchronous: every request of the API passes through it, most without an
 * `Origin` at all.
 */
export function corsFor(isAllowed: OriginCheck): Middleware {
  return (ctx, next) => {
    ctx.vary('Origin');
    const origin = ctx.get('origin');
    if (!origin || !isAllowed(origin)) return next();
    if (ctx.method !== 'OPTIONS') {
      ctx.set('Access-Control-Allow-Origin', origin);
      ctx.set('Access-Control-Allow-Credentials', 'true');
      ctx.set('Access-Control-Expose-Headers', EXPOSE_HEADERS);
      return next();
    }
    // An OPTIONS that is not a preflight is left to the routes, like any other method.
    if (!ctx.get('access-control-request-method')) return next();
    ctx.set('Access-Control-Allow-Origin', origin);
    ctx.set('Access-Control-Allow-Credentials', 'true');
    ctx.set('Access-Control-Max-Age', MAX_AGE_SECONDS);
    ctx.set('Access-Control-Allow-Methods', ALLOW_METHODS);
    ctx.set('Access-Control-Allow-Headers', ALLOW_HEADERS);
    ctx.status = 204;
    return Promise.resolve();
  };
}
