import type { Context, Middleware } from 'koa';
import { dialectOfPath, errorResponse, type Dialect } from '../../shared/index.ts';
import { AppError } from '../errors.ts';

/**
 * First in the chain: every error leaves as its dialect's envelope, with its code. Client errors
 * keep their words; server errors keep only their code's fixed words and go to `app.on('error')`.
 */
export function errorHandler(): Middleware {
  return async (ctx, next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) throw routeNotFound(ctx);
    } catch (raw) {
      const error = toAppError(raw, ctx);
      // A mounted endpoint names its dialect; before routing, the path decides.
      const dialect: Dialect = ctx.state.dialect ?? dialectOfPath(ctx.path);
      const { status, body } = errorResponse(dialect, error.code, error.detail);
      ctx.status = status;
      ctx.body = body;
      if (status === 405) ctx.set('Allow', allowedMethods(ctx).join(', '));
      if (status >= 500) ctx.app.emit('error', raw, ctx);
    }
  };
}

const routeNotFound = (ctx: Context) =>
  new AppError('route_not_found', `No route for ${ctx.method} ${ctx.path}`);

/** Errors from Koa, the router and the body parser carry a status; anything else is a bug. */
function toAppError(error: unknown, ctx: Context): AppError {
  if (error instanceof AppError) return error;
  const status = (error as { status?: number }).status;
  // The router answers a method it has never heard of (PROPFIND, PURGE…) with 501, a server
  // error; for the client it is the same mistake as DELETE on a POST route.
  if (status === 405 || status === 501) {
    return allowedMethods(ctx).length > 0 ? new AppError('method_not_allowed') : routeNotFound(ctx);
  }
  if (status === 404) return routeNotFound(ctx);
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new AppError('invalid_request', (error as Error).message);
  }
  return new AppError('internal_error', undefined, { cause: error });
}

/** The methods of the routes that matched the path, which is what `Allow` must list. */
function allowedMethods(ctx: Context): string[] {
  const matched = (ctx as { matched?: { methods: string[] }[] }).matched ?? [];
  return [...new Set(matched.flatMap((route) => route.methods))];
}
