import { bodyParser } from '@koa/bodyparser';
import type { Middleware } from 'koa';
import { badRequest } from '../errors.ts';

export const JSON_BODY_LIMIT = '16kb';

/** JSON only, 16 kB at most; anything else is refused with a message the client can act on. */
export function jsonBody(): Middleware {
  const parse = bodyParser({
    enableTypes: ['json'],
    jsonLimit: JSON_BODY_LIMIT,
    jsonStrict: true,
    onError(error) {
      const status = (error as { status?: number }).status;
      if (status === 413) throw badRequest('Request body must be at most 16 kB', 'body_too_large');
      throw badRequest('Request body must be valid JSON', 'invalid_json');
    },
  });
  return async (ctx, next) => {
    if (ctx.method === 'POST' || ctx.method === 'PUT' || ctx.method === 'PATCH') {
      const hasBody = ctx.request.length > 0 || ctx.get('transfer-encoding') !== '';
      if (hasBody && !ctx.is('application/json')) {
        throw badRequest('Content-Type must be application/json', 'unsupported_media_type');
      }
    }
    return parse(ctx, next);
  };
}
