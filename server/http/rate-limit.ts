import { createHash } from 'node:crypto';
import type { Context } from 'koa';
import type { Budget, Endpoint } from '../../shared/index.ts';
import { AppError } from '../errors.ts';
import { signedInUserIfAny, type AccessTokens } from './auth.ts';

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

/**
 * Who a request spends a buyer's allowance for: the buyer the body names on a `named-buyer`
 * endpoint (anyone can name anyone there, so those buyers have budgets of their own), else the
 * signed-in buyer. Only a verified user id, or a name in a body the endpoint accepts (at most 200
 * characters), becomes a key; any other request is refused by the route without a Stripe call.
 */
async function buyerOf(
  ctx: Context,
  endpoint: Endpoint,
  tokens: AccessTokens,
): Promise<string | undefined> {
  if (endpoint.auth !== 'named-buyer') return signedInUserIfAny(ctx, tokens);
  const body = endpoint.body?.safeParse(ctx.request.body);
  const named: unknown = body?.success ? (body.data as { userId?: unknown }).userId : undefined;
  return typeof named === 'string' ? named : undefined;
}

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
   * Spends what the endpoint's contract says a request costs, or answers 429. Runs after the
   * body parser, because a `named-buyer` endpoint names its buyer in the body.
   */
  async spend(ctx: Context, endpoint: Endpoint, tokens: AccessTokens): Promise<void> {
    const limit = endpoint.rateLimit;
    if (!limit) return;
    if (limit.perAddress) {
      const address = addressKey(clientAddress(ctx, this.limits.trustedProxyHops));
      refuseAfter(this.#byAddress.take(address), ctx);
    }
    if (!limit.perBuyer || limit.spent === 'stripe-call') return;
    const buyer = await buyerOf(ctx, endpoint, tokens);
    if (buyer !== undefined) this.takeForBuyer(ctx, limit.perBuyer, buyer);
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
