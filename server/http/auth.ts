import { errors, jwtVerify, SignJWT } from 'jose';
import type { Context, Middleware } from 'koa';
import { SubscriptionMessages } from '../../shared/index.ts';
import { unauthorized } from '../errors.ts';

const AUTH_MESSAGES = {
  required: SubscriptionMessages.authenticationRequired,
  expired: SubscriptionMessages.tokenExpired,
} as const;

/**
 * HS256 access tokens from the site owner's backend: `sub` is the user id, `exp` is required and
 * the algorithm is pinned, so `alg: none` and key-confusion tokens are refused.
 */
export class AccessTokens {
  readonly #key: Uint8Array;

  constructor(secret: string) {
    this.#key = new TextEncoder().encode(secret);
  }

  async verify(token: string): Promise<string> {
    try {
      const { payload } = await jwtVerify(token, this.#key, {
        algorithms: ['HS256'],
        requiredClaims: ['exp', 'sub'],
      });
      if (!payload.sub) throw unauthorized(AUTH_MESSAGES.required, 'invalid_token');
      return payload.sub;
    } catch (error) {
      if (error instanceof errors.JWTExpired)
        throw unauthorized(AUTH_MESSAGES.expired, 'token_expired');
      throw unauthorized(AUTH_MESSAGES.required, 'invalid_token');
    }
  }

  sign(userId: string, lifetimeSeconds = 60 * 60): Promise<string> {
    return new SignJWT({})
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(userId)
      .setIssuedAt()
      .setExpirationTime(Math.floor(Date.now() / 1000) + lifetimeSeconds)
      .sign(this.#key);
  }
}

/** The access token from `Authorization: Bearer …` or the `access_token` cookie. */
export function tokenFrom(ctx: Context): string | undefined {
  const header = ctx.get('authorization');
  if (header.toLowerCase().startsWith('bearer ')) return header.slice(7).trim();
  return ctx.cookies.get('access_token') || undefined;
}

/** Sets `ctx.state.userId` or answers 401 in the route's dialect. */
export function requireUser(tokens: AccessTokens): Middleware {
  return async (ctx, next) => {
    const token = tokenFrom(ctx);
    if (!token) throw unauthorized(AUTH_MESSAGES.required, 'missing_token');
    ctx.state.userId = await tokens.verify(token);
    await next();
  };
}
