import { createHash, timingSafeEqual } from 'node:crypto';
import type { Context } from 'koa';

/**
 * Whether the request carries the site owner's server key (`Authorization: Bearer
 * <SERVER_API_KEY>`, compared in constant time); never true when none is configured.
 */
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
