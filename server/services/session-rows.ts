import type Stripe from 'stripe';
import type { CatalogEntry } from '../../shared/index.ts';
import type { SessionAmounts, StoredSession } from '../storage/checkout-sessions.ts';

/** Who a new session is for and what it sells, as checked by the server. */
export interface SessionSale {
  ownerId: string;
  entry: CatalogEntry;
  priceId: string;
  priceAmount: number;
}

/** What only the request that made the session knows; a row recovered from Stripe has none of it. */
export type MadeHere = Partial<
  Pick<
    StoredSession,
    | 'url'
    | 'ui_mode'
    | 'client_secret'
    | 'promotion_code'
    | 'promotion_code_id'
    | 'idempotency_key'
    | 'success_url'
    | 'cancel_url'
    | 'trial_days'
  >
>;

/** The row of an open Checkout Session Stripe made for one of our catalog entries. */
export function openSessionRow(
  session: Stripe.Checkout.Session,
  { ownerId, entry, priceId, priceAmount }: SessionSale,
  madeHere: MadeHere,
): StoredSession {
  return {
    id: session.id,
    user_id: ownerId,
    catalog_id: entry.id,
    plan: entry.plan,
    billing: entry.billing,
    mode: entry.mode,
    status: 'open',
    payment_status: session.payment_status,
    url: null,
    promotion_code: null,
    promotion_code_id: null,
    idempotency_key: null,
    expires_at: session.expires_at,
    created_at: session.created,
    fulfilled_at: null,
    price_id: priceId,
    price_amount: priceAmount,
    ...amountsOf(session),
    ...madeHere,
  };
}

export const amountsOf = (session: Stripe.Checkout.Session): SessionAmounts => ({
  currency: session.currency,
  amount_subtotal: session.amount_subtotal,
  amount_total: session.amount_total,
});
