import { randomUUID } from 'node:crypto';
import type Stripe from 'stripe';
import type { CatalogEntry } from '../../shared/index.ts';
import { AppError } from '../errors.ts';
import { nowSeconds, type Storage } from '../storage/index.ts';
import { reusableAmong, type StoredSession, type UiMode } from '../storage/checkout-sessions.ts';
import type { PriceBook } from './catalog.ts';
import { resolvePromotionCode } from './promotions.ts';
import { ensureCustomer } from './customers.ts';
import { buyerMetadata, ownerIdOf, type Buyer } from './buyers.ts';
import { checkedReturnUrl } from './return-urls.ts';
import { digest } from './idempotency.ts';
import type { Fulfilment } from './fulfilment.ts';
import { openSessionRow } from './session-rows.ts';
import type { PlanChangeLink, PlanChanges } from './plan-changes.ts';
import { trialOffer } from './trials.ts';

export interface CheckoutRequest {
  buyer: Buyer;
  entry: CatalogEntry;
  promotionCode?: string;
  successUrl?: string;
  cancelUrl?: string;
  /** The client's Idempotency-Key header: the same key returns the same session. */
  idempotencyKey?: string;
  /** `embedded`: paid in the merchant's page through Stripe.js; `hosted` (default): on Stripe's. */
  uiMode?: UiMode;
}

export interface CheckoutDeps {
  stripe: Stripe;
  storage: Storage;
  prices: PriceBook;
  fulfilment: Fulfilment;
  /** A subscriber asking for another plan is sent to confirm the change, never sold a second one. */
  planChanges: PlanChanges;
  /** Where the buyer returns to when the page does not say. */
  appUrl: string;
  /** Origins a success or cancel URL may point to (APP_URL's is always one). */
  allowedOrigins: readonly string[];
  /** Success and cancel URLs must be https (production). */
  httpsReturnUrls: boolean;
}

// A reused session must leave the buyer time to pay.
const REUSE_MARGIN_SECONDS = 30 * 60;

/** The one checkout service under all three API dialects. */
export class CheckoutService {
  constructor(private readonly deps: CheckoutDeps) {}

  /**
   * One buyer's requests run one after another, on every instance sharing the database, so a
   * double click (with or without an Idempotency-Key) finds the session the first click made
   * instead of racing it, whichever instance each click reaches.
   */
  create(request: CheckoutRequest): Promise<StoredSession | PlanChangeLink> {
    return this.deps.storage.forBuyer(ownerIdOf(request.buyer), () => this.#create(request));
  }

  async #create(request: CheckoutRequest): Promise<StoredSession | PlanChangeLink> {
    const { stripe, storage, prices } = this.deps;
    const { buyer, entry, uiMode = 'hosted' } = request;
    const ownerId = ownerIdOf(buyer);
    const idempotencyKey = request.idempotencyKey && digest(request.idempotencyKey);
    if (await this.#guardEntitlement(buyer, entry))
      return this.deps.planChanges.confirmationLink(ownerId, entry);
    const earlier =
      idempotencyKey && (await storage.sessions.findByIdempotencyKey(ownerId, idempotencyKey));
    if (earlier) return replay(earlier, entry, uiMode);
    const successUrl = this.#returnUrl(
      request.successUrl,
      'successUrl',
      '/subscription/success?session_id={CHECKOUT_SESSION_ID}',
    );
    const cancelUrl = this.#returnUrl(
      request.cancelUrl,
      'cancelUrl',
      '/subscription?canceled=true',
    );

    const price = await stripeCall(() => prices.price(entry));
    if (!price) throw new AppError('plan_unavailable');

    // Read once: they are what a reused session is picked from, and what the new one replaces.
    // Under the buyer's lock nothing opens another meanwhile; one a webhook closes meanwhile is
    // only asked to expire once more, and Stripe's answer syncs it.
    const open = await storage.sessions.openFor(ownerId);
    const reusable = reusableAmong(open, {
      userId: ownerId,
      catalogId: entry.id,
      promotionCode: request.promotionCode ?? null,
      successUrl,
      cancelUrl,
      uiMode,
      after: nowSeconds() + REUSE_MARGIN_SECONDS,
    });
    if (reusable) return reusable;

    // The code is judged before a customer is made, so a refused code leaves nothing behind; a
    // buyer without a customer yet cannot hold a code restricted to one anyway.
    const promotion = request.promotionCode
      ? await resolvePromotionCode(stripe, request.promotionCode, {
          entry,
          price,
          customerId: await storage.customers.customerIdFor(ownerId),
          hasPaidBefore: await storage.hasPaidBefore(ownerId),
        }).catch(rethrowUnlessApp)
      : undefined;
    if (await this.#expireOtherOpenSessions(open, buyer, entry))
      return this.deps.planChanges.confirmationLink(ownerId, entry);
    const customerId = await stripeCall(() => ensureCustomer(stripe, storage, buyer));
    // The buyer's history is read only for an entry that offers a trial.
    const offered = trialOffer(entry, false);
    const trial = offered && !(await storage.hasSubscribedBefore(ownerId)) ? offered : undefined;

    const metadata = {
      ...buyerMetadata(buyer),
      planId: entry.id,
      plan: entry.plan,
      billing: entry.billing,
      tilldropInstance: storage.instanceId,
      ...(promotion && { promotionCodeId: promotion.id }),
      ...(trial && { trialDays: String(trial.days) }),
    };
    const session = await stripeCall(() =>
      stripe.checkout.sessions.create(
        {
          mode: entry.mode,
          line_items: [{ price: price.priceId, quantity: 1 }],
          customer: customerId,
          client_reference_id: buyer.userId,
          metadata,
          ...(entry.mode === 'subscription'
            ? { subscription_data: { metadata, ...trial?.subscriptionData } }
            : { payment_intent_data: { metadata } }),
          ...(trial?.cardOptional && { payment_method_collection: 'if_required' as const }),
          // Never Stripe's own code box: Stripe cannot check our rules (such as a code for annual
          // billing only), so codes come through the widget or the API, are judged, and are sent here.
          ...(promotion && { discounts: [{ promotion_code: promotion.id }] }),
          allowed_payment_method_types: ['card'],
          ...(uiMode === 'embedded'
            ? {
                // Stripe.js calls onComplete in the page instead, unless a payment method must
                // leave it (a bank redirect); then the buyer comes back to the success URL.
                ui_mode: 'embedded_page' as const,
                return_url: successUrl,
                redirect_on_completion: 'if_required' as const,
              }
            : { success_url: successUrl, cancel_url: cancelUrl }),
          // No expires_at: Stripe's default is the 24 hours we want, measured on Stripe's own clock.
        },
        {
          idempotencyKey: `tilldrop-checkout-${idempotencyKey ? `${digest(ownerId)}-${idempotencyKey}` : randomUUID()}`,
        },
      ),
    );

    const stored = openSessionRow(
      session,
      { ownerId, entry, priceId: price.priceId, priceAmount: price.amount },
      {
        url: session.url,
        ui_mode: uiMode,
        client_secret: session.client_secret,
        promotion_code: request.promotionCode ?? null,
        promotion_code_id: promotion?.id ?? null,
        idempotency_key: idempotencyKey || null,
        success_url: successUrl,
        cancel_url: cancelUrl,
        trial_days: trial?.days ?? null,
      },
    );
    return storage.sessions.insert(stored);
  }

  /**
   * One open checkout per buyer: two open tabs paid one after the other would buy twice. A session
   * Stripe will not expire was paid meanwhile; it is fulfilled here, and the guard judges again.
   */
  async #expireOtherOpenSessions(
    openSessions: readonly StoredSession[],
    buyer: Buyer,
    entry: CatalogEntry,
  ): Promise<boolean> {
    const { stripe, fulfilment } = this.deps;
    let switchesPlan = false;
    for (const open of openSessions) {
      const session = await stripeCall(async () => {
        try {
          return await stripe.checkout.sessions.expire(open.id);
        } catch (error) {
          if ((error as { type?: string }).type !== 'StripeInvalidRequestError') throw error;
          return stripe.checkout.sessions.retrieve(open.id);
        }
      });
      await stripeCall(() => fulfilment.syncSession(session));
      if (session.status === 'complete')
        switchesPlan ||= await this.#guardEntitlement(buyer, entry);
    }
    return switchesPlan;
  }

  /**
   * Refuses to sell what the buyer has, and says whether the buyer is moving from another
   * subscription price (changed in place, never a second subscription). Never for an unverified
   * buyer: anyone may send any name, so the refusal would tell them what the buyer of that name owns.
   */
  async #guardEntitlement(buyer: Buyer, entry: CatalogEntry): Promise<boolean> {
    if (!buyer.verified) return false;
    const current = await this.deps.storage.entitlements.get(ownerIdOf(buyer));
    if (!current) return false;
    if (current.source === 'lifetime')
      throw new AppError(entry.plan === 'one-time' ? 'already_subscribed' : 'lifetime_access');
    if (entry.mode === 'payment') return false;
    if (current.catalog_id === entry.id) throw new AppError('already_subscribed');
    return true;
  }

  #returnUrl(requested: string | undefined, field: string, defaultPath: string): string {
    const { appUrl, allowedOrigins, httpsReturnUrls } = this.deps;
    if (!requested) return `${appUrl}${defaultPath}`;
    return checkedReturnUrl(requested, field, {
      allowedOrigins: [new URL(appUrl).origin, ...allowedOrigins],
      httpsOnly: httpsReturnUrls,
    });
  }
}

/** A retried request returns its session only while that session can still be paid. */
function replay(earlier: StoredSession, entry: CatalogEntry, uiMode: UiMode): StoredSession {
  if (earlier.catalog_id !== entry.id) throw new AppError('idempotency_key_reused');
  if (earlier.ui_mode !== uiMode) throw new AppError('idempotency_key_ui_mode');
  if (earlier.status !== 'open' || !(earlier.url ?? earlier.client_secret)) {
    throw new AppError('idempotency_key_closed');
  }
  return earlier;
}

function rethrowUnlessApp(error: unknown): never {
  if (error instanceof AppError) throw error;
  throw new AppError('checkout_failed', undefined, { cause: error });
}

/** A Stripe failure, after the SDK's own retries, is the dialect's 500: the buyer can simply try again. */
async function stripeCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    rethrowUnlessApp(error);
  }
}
