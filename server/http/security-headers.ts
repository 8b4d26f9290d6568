import type { Middleware } from 'koa';

/** Headers every response carries; pages that render HTML add their own Content-Security-Policy. */
const SECURITY_HEADERS: readonly (readonly [string, string])[] = [
  ['X-Content-Type-Options', 'nosniff'],
  ['Referrer-Policy', 'strict-origin-when-cross-origin'],
  ['X-Frame-Options', 'DENY'],
  ['Cross-Origin-Opener-Policy', 'same-origin'],
  // Answers carry a buyer's own state and checkout links; routes meant to be cached say so.
  ['Cache-Control', 'no-store'],
];

/** Set before anything else runs, so an error answered on the way back carries them too. */
export function securityHeaders(): Middleware {
  return (ctx, next) => {
    const { res } = ctx;
    for (const [name, value] of SECURITY_HEADERS) res.setHeader(name, value);
    return next();
  };
}
