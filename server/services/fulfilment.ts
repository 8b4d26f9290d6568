import type { Logger } from 'pino';
import type Stripe from 'stripe';
import type { CatalogEntry } from '../../shared/index.ts';
import { nowSeconds, type Storage } from '../storage/index.ts';
import type { StoredSession } from '../storage/checkout-sessions.ts';
import type { StoredSubscription } from '../storage/subscriptions.ts';
import type { PriceBook } from './catalog.ts';
import { ownerIdFromMetadata } from './buyers.ts';
import { judgeCompletedSession } from './session-checks.ts';
import { amountsOf } from './session-rows.ts';
import { scheduledChangeOf } from './plan-changes.ts';

/** What applying a subscription needs from Stripe, fetched before the transaction. */
export interface PreparedSubscription {
  subscription: Stripe.Subscription;
  entry: CatalogEntry | undefined;
  /** The plan its schedule moves it to when the current phase ends (a downgrade at period end). */
  scheduled: { entry: CatalogEntry; at: number } | null;
  /** The Stripe-side time this state is known to be current at. */
  asOf: number;
}

/** What a completed session grants, decided before the transaction. */
export interface PreparedSession {
  /** Our row for it: the stored one, or one rebuilt from a session of ours whose row was lost. */
  row: StoredSession | undefined;
  /** Paid, at its catalog entry's price: what `applyCompletedSession` may grant. */
  grantable: boolean;
  subscription: PreparedSubscription | undefined;
}

const TERMINAL = new Set(['canceled', 'incomplete_expired']);

export const idOf = (value: string | { id: string } | null | undefined) =>
  typeof value === 'string' ? value : (value?.id ?? null);

/**
 * Whose a subscription (or its invoice) is: the owner of its customer, else of our row for it,
 * else the buyer its metadata names, but only when that metadata carries this installation's tag.
 * One Stripe account often serves several integrations and sends every event to every endpoint,
 * and another integration's subscription on one of our prices names its own users.
 */
export async function ownerOf(
  storage: Storage,
  of: {
    customerId: string | null;
    stored: StoredSubscription | undefined;
    metadata: Record<string, string> | null | undefined;
  },
): Promise<string | undefined> {
  const ours = of.metadata?.tilldropInstance === storage.instanceId;
  return (
    (of.customerId ? await storage.customers.userIdFor(of.customerId) : undefined) ??
    of.stored?.user_id ??
    (ours ? ownerIdFromMetadata(of.metadata) : undefined)
  );
}

/**
 * Turns Stripe's objects into our tables. Shared by the webhook and the success page, so a
 * purchase is granted the same way whichever arrives first, and only once.
 */
export class Fulfilment {
  constructor(
    private readonly deps: { stripe: Stripe; storage: Storage; prices: PriceBook; logger: Logger },
  ) {}

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
    const scheduled = await scheduledChangeOf(this.deps.stripe, this.deps.prices, current);
    return { subscription: current, entry, scheduled, asOf: asOf ?? current.created };
  }

  /**
   * Prepares a subscription event: an event older than what is stored is dropped; one exactly as
   * old is ambiguous (Stripe stamps whole seconds), so the current object is fetched instead.
   */
  async prepareSubscriptionEvent(
    subscription: Stripe.Subscription,
    created: number,
  ): Promise<PreparedSubscription | null> {
    const stored = await this.deps.storage.subscriptions.find(subscription.id);
    if (stored && created < stored.stripe_updated_at) return null;
    const fresh = stored && created === stored.stripe_updated_at ? subscription.id : subscription;
    return this.prepareSubscription(fresh, created);
  }

  /** Writes on `tx`, a transaction. Returns false when the stored state is newer or final. */
  async applySubscription(
    { subscription, entry, scheduled, asOf }: PreparedSubscription,
    now: number,
    tx: Storage,
  ): Promise<boolean> {
    const stored = await tx.subscriptions.find(subscription.id);
    if (
      stored &&
      (asOf < stored.stripe_updated_at ||
        (TERMINAL.has(stored.status) && !TERMINAL.has(subscription.status)))
    ) {
      return false;
    }
    const customerId = idOf(subscription.customer)!;
    const userId = await ownerOf(tx, { customerId, stored, metadata: subscription.metadata });
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
      scheduled_plan: scheduled?.entry.plan ?? null,
      scheduled_billing: scheduled?.entry.billing ?? null,
      scheduled_at: scheduled?.at ?? null,
      trial_end: subscription.trial_end ?? null,
      stripe_updated_at: Math.max(asOf, stored?.stripe_updated_at ?? 0),
      updated_at: now,
    };
    await tx.subscriptions.save(row);
    await tx.customers.remember(userId, customerId, now);
    await tx.entitlements.refresh(userId, now);
    return true;
  }

  /**
   * Brings the stored session in line with Stripe's object for it: a completed one is granted
   * (once), an expired one closed. For callers that read the session from Stripe themselves.
   */
  async syncSession(session: Stripe.Checkout.Session): Promise<void> {
    const { storage } = this.deps;
    if (session.status === 'complete') {
      const prepared = await this.prepareSession(session);
      await storage.transaction((tx) =>
        this.applyCompletedSession(session, prepared, nowSeconds(), tx),
      );
    } else if (session.status === 'expired') {
      await this.closeExpired(session, storage);
    }
  }

  async closeExpired(session: Stripe.Checkout.Session, storage: Storage): Promise<void> {
    await storage.sessions.close(session.id, 'expired', session.payment_status);
  }

  /**
   * Decides, outside any transaction, what a completed session grants. Only a session this server
   * made is fulfilled, and only at its catalog entry's price: one Stripe account often serves
   * several integrations and sends every event to every endpoint, so a signed event proves that
   * Stripe saw the session, not that it is ours or sells what its metadata says.
   */
  async prepareSession(session: Stripe.Checkout.Session): Promise<PreparedSession> {
    const { stripe, storage, prices, logger } = this.deps;
    const verdict = await judgeCompletedSession(session, { stripe, storage, prices });
    if (verdict.warning) {
      // A discount outside our rules is still granted: the buyer paid what Stripe charged, and
      // keeping the money without giving the access would be worse than the discount. The site
      // owner reads the warning and decides (refund, or let it be).
      logger.warn(
        { checkoutSessionId: session.id, reason: verdict.warning },
        verdict.grantable
          ? 'checkout session granted with a discount our rules do not allow'
          : 'checkout session completed and not granted',
      );
    }
    if (!verdict.grantable || !verdict.row) return { ...verdict, subscription: undefined };
    const subscriptionId = idOf(session.subscription);
    const subscription =
      session.mode === 'subscription' &&
      subscriptionId &&
      !(await storage.subscriptions.find(subscriptionId))
        ? await this.prepareSubscription(session.subscription ?? subscriptionId)
        : undefined;
    return { row: verdict.row, grantable: true, subscription };
  }

  /**
   * Writes on `tx`, a transaction. Grants a paid session exactly once (unique per checkout
   * session): returns false when there is nothing to grant or it was granted already. Who and
   * what come from our row, never from the event.
   */
  async applyCompletedSession(
    session: Stripe.Checkout.Session,
    { row, grantable, subscription }: PreparedSession,
    now: number,
    tx: Storage,
  ): Promise<boolean> {
    if (!row) return false;
    // A row rebuilt from Stripe is stored now; a stored one is left as it is.
    await tx.sessions.insert(row);
    const { user_id: userId, catalog_id: catalogId } = row;
    if (!grantable) {
      await tx.sessions.close(session.id, 'complete', session.payment_status);
      return false;
    }
    const fulfilledAs = { ...amountsOf(session), payment_status: session.payment_status };
    if (!(await tx.sessions.markFulfilled(session.id, now, fulfilledAs))) return false;
    const customerId = idOf(session.customer);
    if (customerId) await tx.customers.remember(userId, customerId, now);

    if (row.mode === 'payment') {
      // An order that cost nothing (a 100% discount, `no_payment_required`) has no payment
      // intent, and nothing to refund or dispute: its purchase is keyed by the session instead.
      const paymentId = idOf(session.payment_intent) ?? session.id;
      const status = await tx.purchases.record({
        payment_intent_id: paymentId,
        checkout_session_id: session.id,
        user_id: userId,
        catalog_id: catalogId,
        charge_id: null,
        amount: session.amount_total ?? 0,
        currency: session.currency ?? 'usd',
        created_at: session.created,
      });
      await tx.payments.save({
        id: paymentId,
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
    if (subscription) await this.applySubscription(subscription, now, tx);
    await tx.entitlements.refresh(userId, now);
    return true;
  }
}
