import type Stripe from 'stripe';
import { isoFromUnix, type CheckoutState } from '../../shared/index.ts';
import type { Storage } from '../storage/index.ts';
import { ReadCache } from '../stripe/read-cache.ts';
import type { StoredSession } from '../storage/checkout-sessions.ts';
import type { PriceBook } from './catalog.ts';
import type { Fulfilment } from './fulfilment.ts';

/**
 * A session's state for its buyer. While it is open here, Stripe is asked: a buyer back on the
 * success page before the webhook arrives is granted through the same fulfilment code, so they
 * never see "not subscribed" after paying. Stripe's answer is kept for two seconds, so a page
 * polling a session costs at most one Stripe request per two seconds.
 */
export class CheckoutStatus {
  readonly #fromStripe = new ReadCache<Stripe.Checkout.Session>({
    ttlMs: 2_000,
    maxEntries: 1_000,
  });

  constructor(
    private readonly deps: {
      stripe: Stripe;
      storage: Storage;
      prices: PriceBook;
      fulfilment: Fulfilment;
    },
  ) {}

  /** `beforeAskingStripe` may refuse (throw) before Stripe is asked about an open session. */
  async forOwner(
    userId: string,
    sessionId: string,
    beforeAskingStripe: () => void = () => {},
  ): Promise<CheckoutState | undefined> {
    const stored = await this.deps.storage.sessions.find(sessionId);
    if (!stored || stored.user_id !== userId) return undefined;
    if (stored.status !== 'open') return this.#toState(stored);
    beforeAskingStripe();
    return this.#toState(await this.#sync(stored));
  }

  async #sync(stored: StoredSession): Promise<StoredSession> {
    const { stripe, storage, fulfilment } = this.deps;
    const session = await this.#fromStripe.get(stored.id, () =>
      stripe.checkout.sessions.retrieve(stored.id),
    );
    await fulfilment.syncSession(session);
    return (await storage.sessions.find(stored.id))!;
  }

  #toState(session: StoredSession): CheckoutState {
    const entry = this.deps.prices.entry(session.catalog_id);
    return {
      checkoutId: session.id,
      status: session.status,
      paymentStatus: session.payment_status as CheckoutState['paymentStatus'],
      planId: session.catalog_id,
      plan: (session.plan ?? entry?.plan) as CheckoutState['plan'],
      billing: (session.billing ?? entry?.billing) as CheckoutState['billing'],
      expiresAt: isoFromUnix(session.expires_at),
      checkoutUrl: session.status === 'open' ? session.url : null,
      fulfilled: session.fulfilled_at !== null,
      currency: session.currency,
      amountSubtotal: session.amount_subtotal,
      amountTotal: session.amount_total,
    };
  }
}
