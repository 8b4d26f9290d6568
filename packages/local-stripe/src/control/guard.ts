import type { Middleware } from 'koa';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Keeps other web pages away from the `/_local` control API, which has no key: any page a
 * developer visits could otherwise reset the local Stripe or pay for sessions with a form or a
 * `text/plain` fetch, which browsers send cross-site without asking. Requiring JSON forces a
 * CORS preflight that this server never grants; the origin check also covers browsers that fail
 * open and DNS rebinding, whose pages send their own (foreign) Origin.
 *
 * `trustedOrigins` is read per request: the local Stripe learns its own origin once it listens.
 */
export function controlGuard(trustedOrigins: () => string[]): Middleware {
  return async (ctx, next) => {
    const origin = ctx.get('origin');
    const crossSite = ctx.get('sec-fetch-site').toLowerCase() === 'cross-site';
    if (crossSite || (origin && !trustedOrigins().some((trusted) => sameOrigin(trusted, origin)))) {
      ctx.status = 403;
      ctx.body = { error: 'The control API answers only its own pages and the API beside it' };
      return;
    }
    const type = ctx.get('content-type').split(';')[0]!.trim().toLowerCase();
    if (!SAFE_METHODS.has(ctx.method) && type !== 'application/json') {
      ctx.status = 415;
      ctx.body = { error: 'The control API accepts only Content-Type: application/json' };
      return;
    }
    await next();
  };
}

function sameOrigin(trusted: string, origin: string): boolean {
  return URL.canParse(trusted) && URL.canParse(origin) && new URL(trusted).origin === origin;
}
