// Signed-in buyers, as a merchant's page hands them to the widget: a user id and that user's
// access token, so the server makes the session for that user, not for an unverified name.
import type autocannon from 'autocannon';
import type { AccessTokens } from '../server/http/auth.ts';
import { sessionsApi } from '../shared/index.ts';

export interface Buyer {
  userId: string;
  /** Sent as `Authorization: Bearer …`. */
  token: string;
}

/** Signing a token takes tens of microseconds: signed ahead, in batches of this many. */
const BATCH = 500;

/**
 * New buyers, each with a token signed before the run that uses it, so the load generator does
 * not sign while a run is timed. autocannon builds requests synchronously, so `take()` cannot
 * wait: a run should be preceded by `fill()` with more than it can send. Should it send more
 * anyway, the pool signs more behind it, long before the last one is taken.
 */
export class BuyerPool {
  readonly #ready: Buyer[] = [];
  #made = 0;
  #refilling: Promise<void> | undefined;

  constructor(
    private readonly tokens: AccessTokens,
    private readonly prefix: string,
  ) {}

  get size(): number {
    return this.#ready.length;
  }

  async fill(count: number): Promise<void> {
    while (this.#ready.length < count) await this.#signBatch();
  }

  take(): Buyer {
    if (this.#ready.length < BATCH && !this.#refilling) {
      this.#refilling = this.#signBatch().finally(() => (this.#refilling = undefined));
    }
    const buyer = this.#ready.pop();
    if (!buyer) throw new Error(`no signed-in ${this.prefix} buyer left: fill the pool first`);
    return buyer;
  }

  async #signBatch(): Promise<void> {
    const userIds = Array.from({ length: BATCH }, () => `${this.prefix}-${++this.#made}`);
    const tokens = await Promise.all(userIds.map((userId) => this.tokens.sign(userId)));
    this.#ready.push(...userIds.map((userId, i) => ({ userId, token: tokens[i]! })));
  }
}

/** The headers of a JSON request from the signed-in `buyer`. */
export const asBuyer = (buyer: Buyer) => ({
  'content-type': 'application/json',
  authorization: `Bearer ${buyer.token}`,
});

/** A buyer our server made a checkout for, and that checkout. */
export interface Checkout {
  buyer: Buyer;
  sessionId: string;
}

/**
 * `POST /api/create-checkout-session` from a new signed-in buyer each time; `made` hears of each
 * checkout the server made.
 */
export function newBuyerCheckout(
  pool: BuyerPool,
  planId: string,
  made: (checkout: Checkout) => void,
): autocannon.RequestStep {
  return {
    method: 'POST',
    path: sessionsApi.createCheckoutSession.path,
    setupRequest: (request, context) => {
      const buyer = pool.take();
      context.buyer = buyer;
      return {
        ...request,
        headers: asBuyer(buyer),
        body: JSON.stringify({ userId: buyer.userId, planId }),
      };
    },
    onResponse: (status, body, context) => {
      if (status !== 200) return;
      const { sessionId } = JSON.parse(body) as { sessionId: string };
      made({ buyer: context.buyer as Buyer, sessionId });
    },
  };
}
