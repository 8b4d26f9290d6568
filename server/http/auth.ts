import { createHmac, timingSafeEqual, type webcrypto } from 'node:crypto';
import { SignJWT, type JWTPayload } from 'jose';
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
  readonly #secret: Uint8Array<ArrayBuffer>;
  /** Imported into WebCrypto once, at first use: given the raw bytes, jose imports them per call. */
  #key: Promise<webcrypto.CryptoKey> | undefined;
  readonly audience: string;
  readonly maxAgeSeconds: number;

  constructor(secret: string, options: AccessTokenOptions = {}) {
    this.#secret = new TextEncoder().encode(secret);
    this.audience = options.audience ?? DEFAULT_TOKEN_AUDIENCE;
    this.maxAgeSeconds = options.maxAgeSeconds ?? DEFAULT_TOKEN_MAX_AGE_SECONDS;
  }

  #hmacKey(): Promise<webcrypto.CryptoKey> {
    this.#key ??= crypto.subtle.importKey(
      'raw',
      this.#secret,
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['sign'],
    );
    return this.#key;
  }

  /**
   * Checks the token as jose's jwtVerify would with HS256 pinned, `exp` and `sub` required and the
   * clock skew allowed, but with node's HMAC in this thread: WebCrypto's verify, the only one jose
   * has, queues every check on the thread pool and waits a turn of the event loop for its answer.
   */
  async verify(token: string): Promise<string> {
    const payload = this.#verifiedClaims(token);
    const now = Date.now() / 1000;
    if (typeof payload.nbf === 'number' && payload.nbf > now + CLOCK_SKEW_SECONDS)
      throw new AppError('authentication_required');
    if (payload.exp! <= now - CLOCK_SKEW_SECONDS) throw new AppError('token_expired');
    // Checked after expiry, so a token that is both expired and old-fashioned reads as expired.
    if (typeof payload.sub !== 'string' || !payload.sub || !this.#withinPolicy(payload))
      throw new AppError('authentication_required');
    return payload.sub;
  }

  /** The claims of a token signed with our key (RFC 7515 compact form, RFC 7519 claims), or a 401. */
  #verifiedClaims(token: string): JWTPayload {
    const refused = () => new AppError('authentication_required');
    const parts = token.split('.');
    if (parts.length !== 3) throw refused();
    const [header, claims, signature] = parts as [string, string, string];
    // Compared as text in its one unpadded base64url spelling, so no other spelling of the same
    // bytes passes either.
    const expected = Buffer.from(
      createHmac('sha256', this.#secret).update(`${header}.${claims}`).digest('base64url'),
    );
    const given = Buffer.from(signature);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw refused();
    const protectedHeader = jsonObjectOf(header);
    // `crit` names extensions we do not implement (RFC 7515 §4.1.11), such as an unencoded payload.
    if (protectedHeader?.alg !== 'HS256' || 'crit' in protectedHeader) throw refused();
    const payload = jsonObjectOf(claims) as JWTPayload | undefined;
    if (!payload || !Object.hasOwn(payload, 'sub') || !isNumericDate(payload.exp)) throw refused();
    if (!isAbsentOrNumericDate(payload.iat) || !isAbsentOrNumericDate(payload.nbf)) throw refused();
    return payload;
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

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** A base64url-encoded JSON object, or undefined for anything else. */
function jsonObjectOf(encoded: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(strictUtf8.decode(Buffer.from(encoded, 'base64url')));
    return value && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

const isNumericDate = (value: unknown): value is number => typeof value === 'number';
const isAbsentOrNumericDate = (value: unknown) => value === undefined || isNumericDate(value);

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
