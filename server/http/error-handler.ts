import type { Context, Middleware } from 'koa';
import { AppError } from '../errors.ts';
import { dialectFor, errorEnvelope } from './dialects.ts';

/**
 * First in the chain: every error leaves as its dialect's envelope. Client errors keep their
 * message; server errors keep only the fixed public message and go to `app.on('error')`.
 */
export function errorHandler(): Middleware {
  return async (ctx, next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) {
        throw new AppError(404, `No route for ${ctx.method} ${ctx.path}`, 'route_not_found');
      }
    } catch (raw) {
      const error = toAppError(raw, ctx);
      ctx.status = error.status;
      const publicMessage = error.code === 'internal' ? undefined : error.message;
      ctx.body = errorEnvelope(dialectFor(ctx.path), error.status, publicMessage);
      if (error.status === 405) ctx.set('Allow', allowedMethods(ctx).join(', '));
      if (error.status >= 500) ctx.app.emit('error', raw, ctx);
    }
  };
}

/** Errors from Koa, the router and the body parser carry a status; anything else is a bug. */
function toAppError(error: unknown, ctx: Context): AppError {
  if (error instanceof AppError) return error;
  const status = (error as { status?: number }).status;
  // The router answers a method it has never heard of (PROPFIND, PURGE…) with 501, a server
  // error; for the client it is the same mistake as DELETE on a POST route.
  if (status === 501) {
    return allowedMethods(ctx).length > 0
      ? new AppError(405, 'Method Not Allowed', 'method_not_allowed')
      : new AppError(404, `No route for ${ctx.method} ${ctx.path}`, 'route_not_found');
  }
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new AppError(status, (error as Error).message, 'http_error');
  }
  return new AppError(500, 'Internal server error', 'internal', { cause: error });
}

/** The methods of the routes that matched the path, which is what `Allow` must list. */
function allowedMethods(ctx: Context): string[] {
  const matched = (ctx as { matched?: { methods: string[] }[] }).matched ?? [];
  return [...new Set(matched.flatMap((route) => route.methods))];
}
