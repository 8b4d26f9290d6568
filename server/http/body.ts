import { bodyParser } from '@koa/bodyparser';
import type { Middleware } from 'koa';
import { AppError } from '../errors.ts';

export const JSON_BODY_LIMIT = '16kb';

/** JSON only, 16 kB at most; anything else is refused with a message the client can act on. */
export function jsonBody(): Middleware {
  const parse = bodyParser({
    enableTypes: ['json'],
    jsonLimit: JSON_BODY_LIMIT,
    jsonStrict: true,
    onError(error) {
      const status = (error as { status?: number }).status;
      throw new AppError(status === 413 ? 'body_too_large' : 'invalid_json');
    },
  });
  return (ctx, next) => {
    // The parser reads bodies of these methods only; any other request has nothing to wait for.
    if (ctx.method !== 'POST' && ctx.method !== 'PUT' && ctx.method !== 'PATCH') return next();
    const hasBody = ctx.request.length > 0 || ctx.get('transfer-encoding') !== '';
    if (hasBody && !ctx.is('application/json')) throw new AppError('unsupported_media_type');
    return parse(ctx, next);
  };
}
