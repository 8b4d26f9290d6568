import type { webcrypto } from 'node:crypto';
import { errors, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import type { Context } from 'koa';
import { AppError } from '../errors.ts';

export interface AccessTokenOptions {
  /** The `aud` a token must carry, so one minted for another service sharing the secret is refused. */
  audience?: string;
  /** The longest a token may live, `exp` counted from `iat`. */
  maxAgeSeconds?: number;
}

export const DEFAULT_TOKEN_AUDIENCE = 'tilldrop';
export const DEFAULT_TOKEN_MAX_AGE_SECONDS = 24 * 60 * 60;
/** Clocks of the site owner's backend and this server may disagree by this much. */
const CLOCK_SKEW_SECONDS = 30;

/**
 * HS256 access tokens from the site owner's backend: `sub` is the user id; `aud`, `iat` and `exp`
 * are required and `exp` is at most the maximum age after `iat`, so a leaked token cannot be
 * minted to last for years. The algorithm is pinned, so `alg: none` and key-confusion tokens are
 * refused.
 */
export class AccessTokens {
  readonly #secret: string;
  /** Imported into WebCrypto once, at first use: given the raw bytes, jose imports them per call. */
  #key: Promise<webcrypto.CryptoKey> | undefined;
  readonly audience: string;
  readonly maxAgeSeconds: number;

  constructor(secret: string, options: AccessTokenOptions = {}) {
    this.#secret = secret;
    this.audience = options.audience ?? DEFAULT_TOKEN_AUDIENCE;
    this.maxAgeSeconds = options.maxAgeSeconds ?? DEFAULT_TOKEN_MAX_AGE_SECONDS;
  }

  #hmacKey(): Promise<webcrypto.CryptoKey> {
    this.#key ??= crypto.subtle.importKey(
      'raw',
      new TextEncoder().encode(this.#secret),
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['sign', 'verify'],
    );
    return this.#key;
  }

  async verify(token: string): Promise<string> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, await this.#hmacKey(), {
        algorithms: ['HS256'],
        requiredClaims: ['exp', 'sub'],
        clockTolerance: CLOCK_SKEW_SECONDS,
      }));
    } catch (error) {
      if (error instanceof errors.JWTExpired) throw new AppError('token_expired');
      throw new AppError('authentication_required');
    }
    // Checked after expiry, so a token that is both expired and old-fashioned reads as expired.
    if (!payload.sub || !this.#withinPolicy(payload)) throw new AppError('authentication_required');
    return payload.sub;
  }

  async sign(userId: string, lifetimeSeconds = 60 * 60): Promise<string> {
    const issuedAt = Math.floor(Date.now() / 1000);
    return new SignJWT({})
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(userId)
      .setAudience(this.audience)
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + lifetimeSeconds)
      .sign(await this.#hmacKey());
  }

  /** Since `exp` has passed jose's check, `iat` not in the future bounds the token's age too. */
  #withinPolicy({ aud, iat, exp }: JWTPayload): boolean {
    const audiences = typeof aud === 'string' ? [aud] : (aud ?? []);
    return (
      audiences.includes(this.audience) &&
      typeof iat === 'number' &&
      iat <= Date.now() / 1000 + CLOCK_SKEW_SECONDS &&
      exp! - iat <= this.maxAgeSeconds
    );
  }
}

/** The access token from `Authorization: Bearer …` or the `access_token` cookie. */
export function tokenFrom(ctx: Context): string | undefined {
  const header = ctx.get('authorization');
  if (header.toLowerCase().startsWith('bearer ')) return header.slice(7).trim();
  // Most requests carry no cookie at all, and need no cookie jar.
  if (!ctx.get('cookie')) return undefined;
  return ctx.cookies.get('access_token') || undefined;
}

/** The signed-in buyer's user id, or a 401. */
export async function signedInUser(ctx: Context, tokens: AccessTokens): Promise<string> {
  const token = tokenFrom(ctx);
  if (!token) throw new AppError('authentication_required');
  return tokens.verify(token);
}

/** The signed-in buyer's user id when the request carries a valid token; never refuses. */
export async function signedInUserIfAny(
  ctx: Context,
  tokens: AccessTokens,
): Promise<string | undefined> {
  const token = tokenFrom(ctx);
  return token ? await tokens.verify(token).catch(() => undefined) : undefined;
}
