import { createHash, timingSafeEqual } from 'node:crypto';
import type { Context, Middleware } from 'koa';
import { AppError } from '../errors.ts';

/** For the site owner's backend: `Authorization: Bearer <SERVER_API_KEY>`, compared in constant time. */
export function requireServerKey(serverKey: string | undefined): Middleware {
  const fromServer = serverKeyCheck(serverKey);
  return async (ctx, next) => {
    if (!fromServer(ctx)) throw new AppError('server_key_required');
    await next();
  };
}

/** Whether the request carries the server key; never true when none is configured. */
export function serverKeyCheck(serverKey: string | undefined): (ctx: Context) => boolean {
  const expected = serverKey && sha256(serverKey);
  return (ctx) => {
    const header = ctx.get('authorization');
    const given = header.toLowerCase().startsWith('bearer ') ? header.slice(7).trim() : '';
    // Hashing first gives equal lengths, so the comparison leaks neither content nor length.
    return Boolean(expected && given && timingSafeEqual(sha256(given), expected));
  };
}

const sha256 = (value: string) => createHash('sha256').update(value).digest();
