import { createHash, timingSafeEqual } from 'node:crypto';
import type { Middleware } from 'koa';
import { unauthorized } from '../errors.ts';

/** For the site owner's backend: `Authorization: Bearer <SERVER_API_KEY>`, compared in constant time. */
export function requireServerKey(serverKey: string | undefined): Middleware {
  const expected = serverKey && sha256(serverKey);
  return async (ctx, next) => {
    const header = ctx.get('authorization');
    const given = header.toLowerCase().startsWith('bearer ') ? header.slice(7).trim() : '';
    // Hashing first gives equal lengths, so the comparison leaks neither content nor length.
    if (!expected || !given || !timingSafeEqual(sha256(given), expected)) {
      throw unauthorized('A valid server API key is required', 'invalid_api_key');
    }
    await next();
  };
}

const sha256 = (value: string) => createHash('sha256').update(value).digest();
