import type Stripe from 'stripe';
import type { Storage } from '../storage/index.ts';
import type { StoredSession } from '../storage/checkout-sessions.ts';
import type { PriceBook } from './catalog.ts';
import { ownerIdFromMetadata } from './buyers.ts';
import { openSessionRow } from './session-rows.ts';

export interface SessionVerdict {
  /** Our row for the session; undefined for a session this server never made. */
  row: StoredSession | undefined;
  grantable: boolean;
  /** Why it is not granted, or what it carries that our rules do not allow: for the log. */
  warning?: string;
}

interface SoldPrice {
  amount: number;
  currency: string | null;
}

interface Deps {
  stripe: Stripe;
  storage: Storage;
  prices: PriceBook;
}

const PAID = new Set(['paid', 'no_payment_required']);

const idOf = (value: string | { id: string } | null | undefined) =>
  typeof value === 'string' ? value : (value?.id ?? null);

/**
 * Whether a completed session may be granted: it is ours (stored, or tagged with this
 * installation's id when its row was lost after Stripe made it), paid, and its total fits the
 * price its catalog entry was sold at. Who buys and what come from our row alone.
 */
export async function judgeCompletedSession(
  session: Stripe.Checkout.Session,
  deps: Deps,
): Promise<SessionVerdict> {
  const stored = await deps.storage.sessions.find(session.id);
  const found = stored ? { row: stored } : await recoverLostRow(session, deps);
  if (!('row' in found)) return { row: undefined, grantable: false, warning: found.warning };
  const { row } = found;
  if (row.fulfilled_at !== null || !PAID.has(session.payment_status)) {
    return { row, grantable: false };
  }
  const sold: SoldPrice | string =
    row.price_id !== null && row.price_amount !== null
      ? { amount: row.price_amount, currency: row.currency }
      : await priceOfLineItem(session.id, row.catalog_id, deps);
  // A trial charges nothing today: its first invoice is free, the price comes when it ends.
  const today = typeof sold !== 'string' && row.trial_days ? { ...sold, amount: 0 } : sold;
  const problem = typeof today === 'string' ? today : totalProblem(session, today);
  if (problem) return { row, grantable: false, warning: problem };
  return { row, grantable: true, warning: discountProblem(session, row) };
}

/**
 * A session Stripe made for us whose local insert was lost (a crash between Stripe's answer and
 * the write). Its metadata is only trusted once Stripe's own line item shows it sells the price
 * of the catalog entry it names.
 */
async function recoverLostRow(
  session: Stripe.Checkout.Session,
  deps: Deps,
): Promise<{ row: StoredSession } | { warning: string }> {
  const metadata = session.metadata ?? {};
  if (metadata.tilldropInstance !== deps.storage.instanceId)
    return { warning: 'not a checkout session this server made' };
  const entry = metadata.planId ? deps.prices.entry(metadata.planId) : undefined;
  const userId = ownerIdFromMetadata(metadata);
  if (!entry || !userId)
    return { warning: `tagged as ours but names no buyer or no catalog entry we sell` };
  const sold = await priceOfLineItem(session.id, entry.id, deps);
  if (typeof sold === 'string') return { warning: sold };
  return {
    row: openSessionRow(
      session,
      { ownerId: userId, entry, priceId: sold.priceId, priceAmount: sold.amount },
      {
        promotion_code_id: metadata.promotionCodeId ?? null,
        trial_days: metadata.trialDays ? Number(metadata.trialDays) : null,
      },
    ),
  };
}

/** The session's one line item, read from Stripe, if it is one of the catalog entry's price. */
async function priceOfLineItem(
  sessionId: string,
  catalogId: string,
  { stripe, prices }: Deps,
): Promise<(SoldPrice & { priceId: string }) | string> {
  const full = await stripe.checkout.sessions.retrieve(sessionId, { expand: ['line_items'] });
  const items = full.line_items?.data ?? [];
  const price = items[0]?.price;
  if (items.length !== 1 || items[0]!.quantity !== 1 || !price)
    return `sells ${items.length} line items, not one of catalog entry ${catalogId}`;
  if ((await prices.entryForPrice(price.id))?.id !== catalogId)
    return `sells price ${price.id}, which is not the price of catalog entry ${catalogId}`;
  return { priceId: price.id, amount: price.unit_amount ?? 0, currency: price.currency };
}

/**
 * The total must be the price, or less when a discount applies. Since API version 2025-03-31
 * Adaptive Pricing keeps `currency` and the amounts in the price's currency and reports the
 * buyer's under `presentment_details`, so they compare directly.
 */
function totalProblem(session: Stripe.Checkout.Session, sold: SoldPrice): string | undefined {
  const total = session.amount_total;
  if (sold.currency !== null && session.currency !== sold.currency)
    return `charged in ${session.currency}, not in the price's ${sold.currency}`;
  if (total === null || total < 0 || total > sold.amount)
    return `amount_total ${total} does not fit the price ${sold.amount}`;
  if (!hasDiscount(session) && total !== sold.amount)
    return `amount_total ${total} is not the price ${sold.amount}, and no discount applies`;
  return undefined;
}

/**
 * The only discount a session may carry is the promotion code it was made with, which our rules
 * judged. Stripe's code box is never offered, so another one means someone changed the session
 * through Stripe's API or Dashboard.
 */
function discountProblem(session: Stripe.Checkout.Session, row: StoredSession): string | undefined {
  // A row made before the promotion code's id was kept names its code only by text.
  if (row.promotion_code !== null && row.promotion_code_id === null) return undefined;
  const allowed = row.promotion_code_id;
  for (const discount of session.discounts ?? []) {
    const code = idOf(discount.promotion_code);
    if (allowed !== null && code === allowed) continue;
    const what = code ? `promotion code ${code}` : `coupon ${idOf(discount.coupon)}`;
    return `carries ${what}, which our rules did not allow for catalog entry ${row.catalog_id}`;
  }
  if (!session.discounts?.length && allowed === null && hasDiscount(session))
    return `carries a discount our rules did not allow for catalog entry ${row.catalog_id}`;
  return undefined;
}

const hasDiscount = (session: Stripe.Checkout.Session) =>
  (session.discounts?.length ?? 0) > 0 || (session.total_details?.amount_discount ?? 0) > 0;
