import type { Middleware } from 'koa';

/** Headers every response carries; pages that render HTML add their own Content-Security-Policy. */
export function securityHeaders(): Middleware {
  return async (ctx, next) => {
    ctx.set({
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'strict-origin-when-cross-origin',
      'X-Frame-Options': 'DENY',
      'Cross-Origin-Opener-Policy': 'same-origin',
      // Answers carry a buyer's own state and checkout links; routes meant to be cached say so.
      'Cache-Control': 'no-store',
    });
    await next();
  };
}
