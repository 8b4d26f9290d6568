import type Stripe from 'stripe';
import type { CatalogEntry } from '../../shared/index.ts';
import { nowSeconds, type Storage } from '../storage/index.ts';
import type { SessionAmounts } from '../storage/checkout-sessions.ts';
import type { StoredSubscription } from '../storage/subscriptions.ts';
import type { PriceBook } from './catalog.ts';

/** What applying a subscription needs from Stripe, fetched before the (synchronous) transaction. */
export interface PreparedSubscription {
  subscription: Stripe.Subscription;
  entry: CatalogEntry | undefined;
  /** The Stripe-side time this state is known to be current at. */
  asOf: number;
}

const TERMINAL = new Set(['canceled', 'incomplete_expired']);
const PAID = new Set(['paid', 'no_payment_required']);

export const amountsOf = (session: Stripe.Checkout.Session): SessionAmounts => ({
  currency: session.currency,
  amount_subtotal: session.amount_subtotal,
  amount_total: session.amount_total,
});

export const idOf = (value: string | { id: string } | null | undefined) =>
  typeof value === 'string' ? value : (value?.id ?? null);

/**
 * Turns Stripe's objects into our tables. Shared by the webhook and the success page, so a
 * purchase is granted the same way whichever arrives first, and only once.
 */
export class Fulfilment {
  constructor(private readonly deps: { stripe: Stripe; storage: Storage; prices: PriceBook }) {}

  /**
   * `asOf` is the Stripe time the state is known to be current at; without it, the subscription's
   * creation second, so any later event still counts as newer and one from that second re-fetches.
   */
  async prepareSubscription(
    subscription: Stripe.Subscription | string,
    asOf?: number,
  ): Promise<PreparedSubscription> {
    const current =
      typeof subscription === 'string'
        ? await this.deps.stripe.subscriptions.retrieve(subscription)
        : subscription;
    const priceId = current.items.data[0]?.price.id;
    const entry = priceId ? await this.deps.prices.entryForPrice(priceId) : undefined;
    return { subscription: current, entry, asOf: asOf ?? current.created };
  }

  /**
   * Prepares a subscription event: an event older than what is stored is dropped; one exactly as
   * old is ambiguous (Stripe stamps whole seconds), so the current object is fetched instead.
   */
  async prepareSubscriptionEvent(
    subscription: Stripe.Subscription,
    created: number,
  ): Promise<PreparedSubscription | null> {
    const stored = this.deps.storage.subscriptions.find(subscription.id);
    if (stored && created < stored.stripe_updated_at) return null;
    const fresh = stored && created === stored.stripe_updated_at ? subscription.id : subscription;
    return this.prepareSubscription(fresh, created);
  }

  /** Call inside a transaction. Returns false when the stored state is newer or final. */
  applySubscription({ subscription, entry, asOf }: PreparedSubscription, now: number): boolean {
    const { storage } = this.deps;
    const stored = storage.subscriptions.find(subscription.id);
    if (
      stored &&
      (asOf < stored.stripe_updated_at ||
        (TERMINAL.has(stored.status) && !TERMINAL.has(subscription.status)))
    ) {
      return false;
    }
    const customerId = idOf(subscription.customer)!;
    const userId =
      storage.customers.userIdFor(customerId) || subscription.metadata?.userId || stored?.user_id;
    if (!userId) return false;
    const item = subscription.items.data[0];
    const row: StoredSubscription = {
      id: subscription.id,
      user_id: userId,
      customer_id: customerId,
      catalog_id: entry?.id ?? null,
      plan: entry?.plan ?? null,
      billing: entry?.billing ?? null,
      price_id: item?.price.id ?? '',
      status: subscription.status,
      cancel_at_period_end: subscription.cancel_at_period_end ? 1 : 0,
      current_period_start: item?.current_period_start ?? null,
      current_period_end: item?.current_period_end ?? null,
      canceled_at: subscription.canceled_at,
      ended_at: subscription.ended_at,
      stripe_updated_at: Math.max(asOf, stored?.stripe_updated_at ?? 0),
      updated_at: now,
    };
    storage.subscriptions.save(row);
    storage.customers.remember(userId, customerId, now);
    storage.entitlements.refresh(userId, now);
    return true;
  }

  /**
   * Brings the stored session in line with Stripe's object for it: a completed one is granted
   * (once), an expired one closed. For callers that read the session from Stripe themselves.
   */
  async syncSession(session: Stripe.Checkout.Session): Promise<void> {
    const { storage } = this.deps;
    if (session.status === 'complete') {
      const subscription = await this.prepareSession(session);
      storage.transaction(() => this.applyCompletedSession(session, subscription, nowSeconds()));
    } else if (session.status === 'expired') {
      storage.sessions.close(session.id, 'expired', session.payment_status);
    }
  }

  /** Fetches what a completed session grants (its subscription), outside any transaction. */
  async prepareSession(
    session: Stripe.Checkout.Session,
  ): Promise<PreparedSubscription | undefined> {
    const subscriptionId = idOf(session.subscription);
    if (session.mode !== 'subscription' || !subscriptionId || !PAID.has(session.payment_status))
      return undefined;
    const stored = this.deps.storage.subscriptions.find(subscriptionId);
    if (stored) return undefined;
    return this.prepareSubscription(session.subscription ?? subscriptionId);
  }

  /**
   * Call inside a transaction. Grants a paid session exactly once (unique per checkout session):
   * returns false when there is nothing to grant or it was granted already.
   */
  applyCompletedSession(
    session: Stripe.Checkout.Session,
    subscription: PreparedSubscription | undefined,
    now: number,
  ): boolean {
    const { storage } = this.deps;
    const userId = session.client_reference_id ?? session.metadata?.userId;
    const catalogId = session.metadata?.planId;
    if (!userId || !catalogId) return false;
    if (!storage.sessions.find(session.id)) {
      storage.sessions.insert({
        id: session.id,
        user_id: userId,
        catalog_id: catalogId,
        plan: session.metadata?.plan ?? null,
        billing: session.metadata?.billing ?? null,
        mode: session.mode === 'payment' ? 'payment' : 'subscription',
        status: 'open',
        payment_status: session.payment_status,
        url: null,
        promotion_code: null,
        idempotency_key: null,
        expires_at: session.expires_at,
        created_at: session.created,
        fulfilled_at: null,
        ...amountsOf(session),
      });
    }
    if (!PAID.has(session.payment_status)) {
      storage.sessions.close(session.id, 'complete', session.payment_status);
      return false;
    }
    if (!storage.sessions.markFulfilled(session.id, now, amountsOf(session))) return false;
    const customerId = idOf(session.customer);
    if (customerId) storage.customers.remember(userId, customerId, now);

    const paymentIntentId = idOf(session.payment_intent);
    if (session.mode === 'payment' && paymentIntentId) {
      const status = storage.purchases.record({
        payment_intent_id: paymentIntentId,
        checkout_session_id: session.id,
        user_id: userId,
        catalog_id: catalogId,
        charge_id: null,
        amount: session.amount_total ?? 0,
        currency: session.currency ?? 'usd',
        status: 'paid',
        created_at: session.created,
      });
      storage.payments.save({
        id: paymentIntentId,
        user_id: userId,
        kind: 'one_time',
        description:
          this.deps.prices.entry(catalogId)?.plan === 'one-time' ? 'Lifetime access' : catalogId,
        amount: session.amount_total ?? 0,
        currency: session.currency ?? 'usd',
        status,
        created: session.created,
        receipt_url: null,
      });
    }
    if (subscription) this.applySubscription(subscription, now);
    storage.entitlements.refresh(userId, now);
    return true;
  }
}
