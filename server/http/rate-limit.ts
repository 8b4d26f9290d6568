import { createHash } from 'node:crypto';
import type { Context, Middleware } from 'koa';
import { sessionsApi } from '../../shared/index.ts';
import { AppError } from '../errors.ts';
import { tokenFrom, type AccessTokens } from './auth.ts';

export interface RateLimits {
  /** Requests one buyer may make per minute on each route that calls Stripe. */
  perUser: number;
  /** Per client address: higher, because an office or a mobile carrier puts many buyers behind one. */
  perAddress: number;
  /** Reverse proxies in front of the server; their `X-Forwarded-For` entries are believed. */
  trustedProxyHops: number;
  /** Keys each table holds at most; the one seen least recently is forgotten first. */
  maxKeys?: number;
}

/** About 1.5 MB per table when full. */
export const DEFAULT_MAX_KEYS = 10_000;
/** A bucket is full again at most a minute after its last use, and a full bucket can go. */
const SWEEP_EVERY_MS = 60_000;

/** Time as the limiter sees it; tests drive both hands themselves. */
export interface Clock {
  now(): number;
  /** Runs `task` every `ms` until the returned function is called. */
  every(ms: number, task: () => void): () => void;
}

export const systemClock: Clock = {
  now: Date.now,
  every(ms, task) {
    // Unref'd: a sweep alone never keeps the process alive.
    const timer = setInterval(task, ms).unref();
    return () => clearInterval(timer);
  },
};

/** What one buyer may spend, separately, each at `perUser` a minute. */
export type Budget =
  'checkout' | 'named-checkout' | 'checkout-status' | 'billing-portal' | 'promotion-code';

type BuyerOf = (ctx: Context, tokens: AccessTokens) => Promise<string | undefined>;

const signedInBuyer: BuyerOf = async (ctx, tokens) => {
  const token = tokenFrom(ctx);
  // An invalid token is refused by the route; only a verified user id may use up a user's budget.
  return token ? await tokens.verify(token).catch(() => undefined) : undefined;
};

const buyerNamedInBody: BuyerOf = async (ctx) => {
  // Only a body the route accepts names a buyer, so what becomes a key is at most 255 characters;
  // any other body is refused there without a Stripe call.
  const body = sessionsApi.createCheckoutSession.body.safeParse(ctx.request.body);
  return body.success ? body.data.userId : undefined;
};

/**
 * The routes that call Stripe on every request, limited per client address and per buyer: each
 * call costs the site owner a share of Stripe's own rate limit, and the anonymous promotion-code
 * check would otherwise let codes be guessed. Anyone can name any user in the weekly/one-time
 * dialect, so those buyers have a budget of their own that never touches a signed-in buyer's.
 */
const LIMITED: { method: string; path: RegExp; budget: Budget; buyerOf: BuyerOf }[] = [
  { method: 'POST', path: /^\/payment\/checkout$/, budget: 'checkout', buyerOf: signedInBuyer },
  {
    method: 'POST',
    path: /^\/api\/subscription\/create-checkout$/,
    budget: 'checkout',
    buyerOf: signedInBuyer,
  },
  {
    method: 'POST',
    path: /^\/api\/create-checkout-session$/,
    budget: 'named-checkout',
    buyerOf: buyerNamedInBody,
  },
  {
    method: 'POST',
    path: /^\/api\/subscription\/portal$/,
    budget: 'billing-portal',
    buyerOf: signedInBuyer,
  },
  {
    method: 'GET',
    path: /^\/api\/promotion-codes\/[^/]+$/,
    budget: 'promotion-code',
    buyerOf: signedInBuyer,
  },
];

/**
 * Token buckets per client address and per buyer. A refusal is a 429 in the route's own envelope
 * with `Retry-After` in seconds. Both tables are capped and swept, so no stream of new addresses
 * or names can grow the server.
 */
export class RateLimiter {
  readonly #byAddress: TokenBuckets;
  readonly #byBuyer: TokenBuckets;
  readonly #stopSweeping: () => void;

  constructor(
    private readonly limits: RateLimits,
    clock: Clock = systemClock,
  ) {
    const maxKeys = limits.maxKeys ?? DEFAULT_MAX_KEYS;
    this.#byAddress = new TokenBuckets(limits.perAddress, maxKeys, clock.now);
    this.#byBuyer = new TokenBuckets(limits.perUser, maxKeys, clock.now);
    this.#stopSweeping = clock.every(SWEEP_EVERY_MS, () => {
      this.#byAddress.sweep();
      this.#byBuyer.sweep();
    });
  }

  get sizes(): { byAddress: number; byBuyer: number } {
    return { byAddress: this.#byAddress.size, byBuyer: this.#byBuyer.size };
  }

  /**
   * The limits the method and path decide. Mounted after the body parser, because the
   * weekly/one-time dialect names its buyer in the body.
   */
  middleware(tokens: AccessTokens): Middleware {
    return async (ctx, next) => {
      const route = LIMITED.find((r) => r.method === ctx.method && r.path.test(ctx.path));
      if (route) {
        const address = addressKey(clientAddress(ctx, this.limits.trustedProxyHops));
        refuseAfter(this.#byAddress.take(address), ctx);
        const buyer = await route.buyerOf(ctx, tokens);
        if (buyer !== undefined) this.takeForBuyer(ctx, route.budget, buyer);
      }
      await next();
    };
  }

  /** One request from `userId` against `budget`, for a route that calls Stripe only sometimes. */
  takeForBuyer(ctx: Context, budget: Budget, userId: string): void {
    refuseAfter(this.#byBuyer.take(`${budget}\n${userId}`), ctx);
  }

  close(): void {
    this.#stopSweeping();
  }
}

function refuseAfter(waitSeconds: number, ctx: Context): void {
  if (waitSeconds === 0) return;
  ctx.set('Retry-After', String(waitSeconds));
  const unit = waitSeconds === 1 ? 'second' : 'seconds';
  throw new AppError('rate_limited', `Too many requests. Try again in ${waitSeconds} ${unit}.`);
}

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * One bucket per key, holding up to a minute's allowance and refilled continuously, so a burst of
 * `perMinute` is allowed and then one request every `60 / perMinute` seconds. Keys are stored as
 * a 128-bit digest, whatever their length.
 */
class TokenBuckets {
  // A Map iterates in insertion order, and each use re-inserts: the first key is the least recent.
  readonly #buckets = new Map<string, Bucket>();
  readonly #perMs: number;

  constructor(
    private readonly perMinute: number,
    private readonly maxKeys: number,
    private readonly now: () => number,
  ) {
    this.#perMs = perMinute / 60_000;
  }

  get size(): number {
    return this.#buckets.size;
  }

  /** Takes one token: 0 when there was one, else the whole seconds until there is. */
  take(key: string): number {
    const id = createHash('sha256').update(key).digest('base64url').slice(0, 22);
    const now = this.now();
    const tokens = this.#level(this.#buckets.get(id), now);
    const granted = tokens >= 1;
    this.#buckets.delete(id);
    this.#buckets.set(id, { tokens: granted ? tokens - 1 : tokens, at: now });
    // Forgetting a key hands it a full bucket again; a client can only get that by sending
    // `maxKeys` other keys first, each of them limited too.
    if (this.#buckets.size > this.maxKeys) this.#buckets.delete(this.#buckets.keys().next().value!);
    return granted ? 0 : Math.max(1, Math.ceil((1 - tokens) / this.#perMs / 1000));
  }

  /** A full bucket is the same as no bucket: forgetting them keeps memory to recent clients. */
  sweep(): void {
    const now = this.now();
    for (const [id, bucket] of this.#buckets) {
      if (this.#level(bucket, now) >= this.perMinute) this.#buckets.delete(id);
    }
  }

  #level(bucket: Bucket | undefined, now: number): number {
    if (!bucket) return this.perMinute;
    return Math.min(this.perMinute, bucket.tokens + (now - bucket.at) * this.#perMs);
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
