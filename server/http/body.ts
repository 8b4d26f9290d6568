import type { Middleware } from 'koa';
import { AppError } from '../errors.ts';
import { passesReads } from './route-chain.ts';

export const JSON_BODY_LIMIT = '16kb';

/**
 * The parser and the packages under it (co-body, its own copies of raw-body, iconv-lite and the
 * MIME database) are loaded by the first request with a body: a start, and the GETs that come
 * first, never wait for them.
 */
const loadParser = async (): Promise<Middleware> => {
  const { bodyParser } = await import('@koa/bodyparser');
  return bodyParser({
    enableTypes: ['json'],
    jsonLimit: JSON_BODY_LIMIT,
    jsonStrict: true,
    onError(error) {
      const status = (error as { status?: number }).status;
      throw new AppError(status === 413 ? 'body_too_large' : 'invalid_json');
    },
  });
};

/** JSON only, 16 kB at most; anything else is refused with a message the client can act on. */
export function jsonBody(): Middleware {
  let parser: Promise<Middleware> | undefined;
  return passesReads((ctx, next) => {
    // The parser reads bodies of these methods only; any other request has nothing to wait for.
    if (ctx.method !== 'POST' && ctx.method !== 'PUT' && ctx.method !== 'PATCH') return next();
    const hasBody = ctx.request.length > 0 || ctx.get('transfer-encoding') !== '';
    if (hasBody && !ctx.is('application/json')) throw new AppError('unsupported_media_type');
    parser ??= loadParser();
    return parser.then((parse) => parse(ctx, next));
  });
}
