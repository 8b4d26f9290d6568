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

/**
 * Among a buyer's open sessions (`openFor`), the newest one made for the same purchase that stays
 * open long enough to be paid, so a second click does not make another. Chosen from the rows a
 * checkout reads anyway, to expire the others, instead of asking the database a second time.
 */
export function reusableAmong(
  open: readonly StoredSession[],
  query: ReuseQuery,
): StoredSession | undefined {
  let newest: StoredSession | undefined;
  for (const session of open) {
    if (
      session.user_id === query.userId &&
      session.status === 'open' &&
      session.catalog_id === query.catalogId &&
      session.promotion_code === query.promotionCode &&
      session.success_url === query.successUrl &&
      session.cancel_url === query.cancelUrl &&
      session.ui_mode === query.uiMode &&
      session.expires_at > query.after &&
      (!newest || session.created_at > newest.created_at)
    )
      newest = session;
  }
  return newest;
}

export type SessionAmounts = Pick<StoredSession, 'currency' | 'amount_subtotal' | 'amount_total'>;
/** What Stripe says the session charged when it is fulfilled. */
export type FulfilledAs = SessionAmounts & Pick<StoredSession, 'payment_status'>;

export function checkoutSessionStore(db: Db) {
  const insert = db.prepare<StoredSession, StoredSession>(
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
     ON CONFLICT (id) DO NOTHING
     RETURNING *`,
  );
  const byId = db.prepare<[string], StoredSession>('SELECT * FROM checkout_sessions WHERE id = ?');
  const byIdempotencyKey = db.prepare<[string, string], StoredSession>(
    'SELECT * FROM checkout_sessions WHERE user_id = ? AND idempotency_key = ?',
  );
  const allOpen = db.prepare<[string], StoredSession>(
    `SELECT * FROM checkout_sessions WHERE user_id = ? AND status = 'open'`,
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
    /**
     * Stores the session unless a row with its id is stored already, and returns the stored row
     * as a read would: the one written now, or the earlier one.
     */
    insert: async (session: StoredSession): Promise<StoredSession> => {
      const written = await insert.get({
        success_url: null,
        cancel_url: null,
        ui_mode: 'hosted',
        client_secret: null,
        trial_days: null,
        ...session,
      });
      return written ?? (await byId.get(session.id))!;
    },
    find: (id: string) => byId.get(id),
    openFor: (userId: string) => allOpen.all(userId),
    findByIdempotencyKey: (userId: string, key: string) => byIdempotencyKey.get(userId, key),
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
