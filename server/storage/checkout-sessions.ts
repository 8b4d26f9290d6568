import type Stripe from 'stripe';
import type { Billing, PlanName } from '../../shared/index.ts';
import type { Db } from './database.ts';

export interface StoredSession {
  id: string;
  user_id: string;
  catalog_id: string;
  /** The catalog entry's plan and billing when the session was made. */
  plan: PlanName | null;
  billing: Billing | null;
  mode: 'subscription' | 'payment';
  status: 'open' | 'complete' | 'expired';
  payment_status: Stripe.Checkout.Session.PaymentStatus;
  url: string | null;
  promotion_code: string | null;
  /** The Stripe promotion code sent as the session's discount: the only discount it may carry. */
  promotion_code_id: string | null;
  idempotency_key: string | null;
  expires_at: number;
  created_at: number;
  fulfilled_at: number | null;
  currency: string | null;
  amount_subtotal: number | null;
  amount_total: number | null;
  /** The catalog entry's Stripe price and its amount when the session was made (null before they were kept). */
  price_id: string | null;
  price_amount: number | null;
  /**
   * Where Stripe sends the buyer back; null on rows from before they were kept and on rows
   * recovered from Stripe, which are never reused.
   */
  success_url?: string | null;
  cancel_url?: string | null;
  /** Where the buyer pays: on Stripe's page (`url`) or in the merchant's (`client_secret`). */
  ui_mode?: UiMode;
  /** An open embedded session's client secret, for Stripe.js; gone once the session closes, as `url` is. */
  client_secret?: string | null;
  /** The free trial the session starts, in days; null when it charges at once. */
  trial_days?: number | null;
}

export type UiMode = 'hosted' | 'embedded';

/** What a reused session must have been made for: the same plan, code, return URLs and ui mode. */
export interface ReuseQuery {
  userId: string;
  catalogId: string;
  promotionCode: string | null;
  successUrl: string;
  cancelUrl: string;
  uiMode: UiMode;
  /** The session must stay open past this time. */
  after: number;
}

export type SessionAmounts = Pick<StoredSession, 'currency' | 'amount_subtotal' | 'amount_total'>;
/** What Stripe says the session charged when it is fulfilled. */
export type FulfilledAs = SessionAmounts & Pick<StoredSession, 'payment_status'>;

export function checkoutSessionStore(db: Db) {
  const insert = db.prepare<StoredSession>(
    `INSERT INTO checkout_sessions
       (id, user_id, catalog_id, mode, status, payment_status, url, promotion_code, idempotency_key,
        expires_at, created_at, fulfilled_at, currency, amount_subtotal, amount_total, plan, billing,
        price_id, price_amount, promotion_code_id, success_url, cancel_url, ui_mode, client_secret,
        trial_days)
     VALUES
       (@id, @user_id, @catalog_id, @mode, @status, @payment_status, @url, @promotion_code, @idempotency_key,
        @expires_at, @created_at, @fulfilled_at, @currency, @amount_subtotal, @amount_total, @plan, @billing,
        @price_id, @price_amount, @promotion_code_id, @success_url, @cancel_url, @ui_mode, @client_secret,
        @trial_days)
     ON CONFLICT (id) DO NOTHING`,
  );
  const byId = db.prepare<[string], StoredSession>('SELECT * FROM checkout_sessions WHERE id = ?');
  const byIdempotencyKey = db.prepare<[string, string], StoredSession>(
    'SELECT * FROM checkout_sessions WHERE user_id = ? AND idempotency_key = ?',
  );
  const allOpen = db.prepare<[string], StoredSession>(
    `SELECT * FROM checkout_sessions WHERE user_id = ? AND status = 'open'`,
  );
  const reusable = db.prepare<ReuseQuery, StoredSession>(
    `SELECT * FROM checkout_sessions
     WHERE user_id = @userId AND catalog_id = @catalogId AND status = 'open'
       AND promotion_code IS NOT DISTINCT FROM @promotionCode AND success_url = @successUrl
       AND cancel_url = @cancelUrl AND ui_mode = @uiMode AND expires_at > @after
     ORDER BY created_at DESC LIMIT 1`,
  );
  const setStatus = db.prepare<{ id: string; status: string; paymentStatus: string }>(
    `UPDATE checkout_sessions SET status = @status, payment_status = @paymentStatus,
       url = CASE WHEN CAST(@status AS TEXT) = 'open' THEN url ELSE NULL END,
       client_secret = CASE WHEN CAST(@status AS TEXT) = 'open' THEN client_secret ELSE NULL END
     WHERE id = @id AND status = 'open'`,
  );
  const closeAllOpen = db.prepare(
    `UPDATE checkout_sessions SET status = 'expired', url = NULL, client_secret = NULL
     WHERE status = 'open'`,
  );
  const markFulfilled = db.prepare<{ id: string; now: number } & FulfilledAs>(
    `UPDATE checkout_sessions SET fulfilled_at = @now, status = 'complete', url = NULL,
       client_secret = NULL,
       payment_status = @payment_status,
       currency = @currency, amount_subtotal = @amount_subtotal, amount_total = @amount_total
     WHERE id = @id AND fulfilled_at IS NULL`,
  );

  return {
    insert: (session: StoredSession) =>
      insert.run({
        success_url: null,
        cancel_url: null,
        ui_mode: 'hosted',
        client_secret: null,
        trial_days: null,
        ...session,
      }),
    find: (id: string) => byId.get(id),
    openFor: (userId: string) => allOpen.all(userId),
    findByIdempotencyKey: (userId: string, key: string) => byIdempotencyKey.get(userId, key),
    /** An unexpired open session the same buyer can still pay, so a second click does not make another. */
    findReusable: (query: ReuseQuery) => reusable.get(query),
    /** Only an open session changes status: complete and expired are final. */
    close: async (
      id: string,
      status: 'complete' | 'expired',
      paymentStatus: Stripe.Checkout.Session.PaymentStatus,
    ) => (await setStatus.run({ id, status, paymentStatus })) > 0,
    /**
     * Closes every open session here only, for a Stripe account that can no longer be asked to
     * expire them. Returns how many there were.
     */
    closeAllOpen: () => closeAllOpen.run(),
    /** True for the one caller that fulfils the session; every later caller gets false. */
    markFulfilled: async (id: string, now: number, fulfilledAs: FulfilledAs) =>
      (await markFulfilled.run({ id, now, ...fulfilledAs })) > 0,
  };
}
