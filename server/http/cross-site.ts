import type { Context, Middleware } from 'koa';
import { AppError } from '../errors.ts';
import type { OriginCheck } from './cors.ts';
import { passesReads } from './route-chain.ts';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** What a browser puts in `Origin`: `null`, or a scheme, `://` and a host. */
const BROWSER_ORIGIN = /^(null|[a-z][a-z\d+.-]*:\/\/.+)$/i;

/**
 * Refuses a request that changes something on the strength of the buyer's cookie when a browser
 * says another site sent it: a form on any page can POST here, and the browser attaches the
 * cookie unless it is SameSite. The browser's word is `Origin` (checked against the allowed
 * origins) and, where it sends no `Origin`, `Sec-Fetch-Site`. Only a browser attaches the cookie
 * on its own, and it writes these headers itself; a request without them (curl, the site's own
 * backend) holds the cookie already and carries no such risk. A Bearer token is never attached
 * by a browser on its own, so those requests are not judged.
 */
export function refuseCrossSiteCookies(isAllowed: OriginCheck): Middleware {
  return passesReads((ctx, next) => {
    if (!SAFE_METHODS.has(ctx.method) && usesCookie(ctx) && fromAnotherSite(ctx, isAllowed)) {
      throw new AppError('cross_site_request');
    }
    return next();
  });
}

function usesCookie(ctx: Context): boolean {
  const bearer = ctx.get('authorization').toLowerCase().startsWith('bearer ');
  return !bearer && Boolean(ctx.cookies.get('access_token'));
}

function fromAnotherSite(ctx: Context, isAllowed: OriginCheck): boolean {
  const origin = ctx.get('origin');
  // An `Origin` no browser would write came from a client that writes its own headers.
  if (BROWSER_ORIGIN.test(origin)) return !isAllowed(origin);
  return ctx.get('sec-fetch-site') === 'cross-site';
}
