import type { Context, Middleware } from 'koa';
import { AppError } from '../errors.ts';
import { tokenFrom, type AccessTokens } from './auth.ts';

export interface RateLimits {
  /** Checkout attempts one buyer may make per minute. */
  perUser: number;
  /** Per client address: higher, because an office or a mobile carrier puts many buyers behind one. */
  perAddress: number;
  /** Reverse proxies in front of the server; their `X-Forwarded-For` entries are believed. */
  trustedProxyHops: number;
}

type UserOf = (ctx: Context, tokens: AccessTokens) => Promise<string | undefined>;

const signedInUser: UserOf = async (ctx, tokens) => {
  const token = tokenFrom(ctx);
  // An invalid token is refused by the route; only a verified user id may use up a user's budget.
  const userId = token ? await tokens.verify(token).catch(() => undefined) : undefined;
  return userId === undefined ? undefined : `signed-in:${userId}`;
};

const userIdInBody: UserOf = async (ctx) => {
  const userId = (ctx.request.body as { userId?: unknown } | undefined)?.userId;
  // Anyone can name any user here, so these buckets never touch a signed-in buyer's budget.
  return typeof userId === 'string' ? `named:${userId}` : undefined;
};

/**
 * The routes that call Stripe on every request: each call costs the site owner a share of Stripe's
 * own rate limit, and the anonymous promotion-code check would otherwise let codes be guessed.
 */
const LIMITED: { method: string; path: RegExp; userOf?: UserOf }[] = [
  { method: 'POST', path: /^\/payment\/checkout$/, userOf: signedInUser },
  { method: 'POST', path: /^\/api\/subscription\/create-checkout$/, userOf: signedInUser },
  { method: 'POST', path: /^\/api\/create-checkout-session$/, userOf: userIdInBody },
  { method: 'GET', path: /^\/api\/promotion-codes\/[^/]+$/ },
];

/**
 * Token buckets per client address and per buyer on the checkout routes. Mounted after the body
 * parser, because the weekly/one-time dialect names its buyer in the body. A refusal is a 429 in
 * the route's own envelope with `Retry-After` in seconds.
 */
export function rateLimit(
  limits: RateLimits,
  tokens: AccessTokens,
  now: () => number = Date.now,
): Middleware {
  const byAddress = new TokenBuckets(limits.perAddress, now);
  const byUser = new TokenBuckets(limits.perUser, now);
  return async (ctx, next) => {
    const route = LIMITED.find((r) => r.method === ctx.method && r.path.test(ctx.path));
    if (route) {
      const address = addressKey(clientAddress(ctx, limits.trustedProxyHops));
      refuseAfter(byAddress.take(address), ctx);
      const user = await route.userOf?.(ctx, tokens);
      if (user !== undefined) refuseAfter(byUser.take(user), ctx);
    }
    await next();
  };
}

function refuseAfter(waitSeconds: number, ctx: Context): void {
  if (waitSeconds === 0) return;
  ctx.set('Retry-After', String(waitSeconds));
  const unit = waitSeconds === 1 ? 'second' : 'seconds';
  throw new AppError(
    429,
    `Too many requests. Try again in ${waitSeconds} ${unit}.`,
    'rate_limited',
  );
}

/**
 * One bucket per key, holding up to a minute's allowance and refilled continuously, so a burst of
 * `perMinute` is allowed and then one request every `60 / perMinute` seconds.
 */
class TokenBuckets {
  readonly #buckets = new Map<string, { tokens: number; at: number }>();
  readonly #perMs: number;
  #sweptAt: number;

  constructor(
    private readonly perMinute: number,
    private readonly now: () => number,
  ) {
    this.#perMs = perMinute / 60_000;
    this.#sweptAt = now();
  }

  /** Takes one token: 0 when there was one, else the whole seconds until there is. */
  take(key: string): number {
    const now = this.now();
    this.#sweep(now);
    const tokens = this.#level(this.#buckets.get(key), now);
    if (tokens >= 1) {
      this.#buckets.set(key, { tokens: tokens - 1, at: now });
      return 0;
    }
    this.#buckets.set(key, { tokens, at: now });
    return Math.max(1, Math.ceil((1 - tokens) / this.#perMs / 1000));
  }

  #level(bucket: { tokens: number; at: number } | undefined, now: number): number {
    if (!bucket) return this.perMinute;
    return Math.min(this.perMinute, bucket.tokens + (now - bucket.at) * this.#perMs);
  }

  // A full bucket is the same as no bucket: forgetting them keeps memory bounded by recent clients.
  #sweep(now: number): void {
    if (now - this.#sweptAt < 60_000) return;
    this.#sweptAt = now;
    for (const [key, bucket] of this.#buckets) {
      if (this.#level(bucket, now) >= this.perMinute) this.#buckets.delete(key);
    }
  }
}

/** The socket's peer, or behind `hops` trusted proxies the address the outermost one saw. */
function clientAddress(ctx: Context, hops: number): string {
  const peer = ctx.req.socket.remoteAddress ?? 'unknown';
  if (hops === 0) return peer;
  const forwarded = ctx
    .get('x-forwarded-for')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  // Each proxy appends the address it received from; entries further left are the client's word.
  return forwarded[forwarded.length - hops] ?? forwarded[0] ?? peer;
}

/** IPv6 subscribers are handed a whole /64, so the limit applies to the prefix. */
export function addressKey(address: string): string {
  const plain = address.replace(/%.*$/, '').replace(/^::ffff:(?=\d+\.)/i, '');
  if (!plain.includes(':')) return plain;
  const [head = '', tail] = plain.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const zeros =
    tail === undefined ? [] : Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0');
  const groups = [...left, ...zeros, ...right].slice(0, 4);
  return `${groups.map((group) => group.toLowerCase().replace(/^0+(?=.)/, '')).join(':')}::/64`;
}
