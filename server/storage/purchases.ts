import type { Db } from './database.ts';

export interface Purchase {
  /** The payment intent; the checkout session's id for an order that cost nothing (none exists). */
  payment_intent_id: string;
  checkout_session_id: string;
  user_id: string;
  catalog_id: string;
  charge_id: string | null;
  amount: number;
  currency: string;
  status: 'paid' | 'refunded' | 'disputed';
  created_at: number;
}

/** What Stripe last said about a payment's refunds or its dispute, as of a Stripe time. */
export type Reversal =
  | { kind: 'refund'; refunded: boolean; asOf: number }
  | { kind: 'dispute'; disputed: boolean; status: string; asOf: number };

interface ReversalRow {
  refunded: number;
  refund_as_of: number;
  disputed: number;
  dispute_as_of: number;
}

/** A dispute that takes the money outweighs a refund; either takes the access. */
const statusOf = (row: ReversalRow | undefined): Purchase['status'] =>
  row?.disputed ? 'disputed' : row?.refunded ? 'refunded' : 'paid';

export function purchaseStore(db: Db) {
  const insert = db.prepare<Purchase>(`
    INSERT INTO purchases (payment_intent_id, checkout_session_id, user_id, catalog_id, charge_id,
      amount, currency, status, created_at)
    VALUES (@payment_intent_id, @checkout_session_id, @user_id, @catalog_id, @charge_id, @amount,
      @currency, @status, @created_at)
    ON CONFLICT DO NOTHING`);
  const byPaymentIntent = db.prepare<[string], Purchase>(
    'SELECT * FROM purchases WHERE payment_intent_id = ?',
  );
  const setStatus = db.prepare<{ id: string; status: Purchase['status'] }>(
    'UPDATE purchases SET status = @status WHERE payment_intent_id = @id',
  );
  const reversalOf = db.prepare<[string], ReversalRow>(
    'SELECT * FROM payment_reversals WHERE payment_intent_id = ?',
  );
  // An older state never overwrites a newer one, whatever order the events arrive in.
  const saveRefund = db.prepare<{ id: string; refunded: number; asOf: number }>(`
    INSERT INTO payment_reversals (payment_intent_id, refunded, refund_as_of)
    VALUES (@id, @refunded, @asOf)
    ON CONFLICT (payment_intent_id) DO UPDATE SET refunded = excluded.refunded,
      refund_as_of = excluded.refund_as_of
    WHERE excluded.refund_as_of >= payment_reversals.refund_as_of`);
  const saveDispute = db.prepare<{ id: string; disputed: number; status: string; asOf: number }>(`
    INSERT INTO payment_reversals (payment_intent_id, disputed, dispute_status, dispute_as_of)
    VALUES (@id, @disputed, @status, @asOf)
    ON CONFLICT (payment_intent_id) DO UPDATE SET disputed = excluded.disputed,
      dispute_status = excluded.dispute_status, dispute_as_of = excluded.dispute_as_of
    WHERE excluded.dispute_as_of >= payment_reversals.dispute_as_of`);

  return {
    /** Records a purchase, already revoked when a refund or dispute of it came first. */
    async record(purchase: Omit<Purchase, 'status'>): Promise<Purchase['status']> {
      const status = statusOf(await reversalOf.get(purchase.payment_intent_id));
      await insert.run({ ...purchase, status });
      return (await byPaymentIntent.get(purchase.payment_intent_id))?.status ?? status;
    },
    find: (paymentIntentId: string) => byPaymentIntent.get(paymentIntentId),
    /** The Stripe time of the newest refund or dispute state kept for the payment; 0 for none. */
    async asOf(paymentIntentId: string, kind: Reversal['kind']): Promise<number> {
      const row = await reversalOf.get(paymentIntentId);
      return (kind === 'refund' ? row?.refund_as_of : row?.dispute_as_of) ?? 0;
    },
    /**
     * Keeps Stripe's newer word on the payment's refunds or dispute, and returns its purchase with
     * the status that follows (undefined while the purchase is not recorded yet).
     */
    async reverse(paymentIntentId: string, reversal: Reversal): Promise<Purchase | undefined> {
      if (reversal.kind === 'refund') {
        await saveRefund.run({
          id: paymentIntentId,
          refunded: +reversal.refunded,
          asOf: reversal.asOf,
        });
      } else {
        const { disputed, status, asOf } = reversal;
        await saveDispute.run({ id: paymentIntentId, disputed: +disputed, status, asOf });
      }
      const purchase = await byPaymentIntent.get(paymentIntentId);
      if (!purchase) return undefined;
      const status = statusOf(await reversalOf.get(paymentIntentId));
      await setStatus.run({ id: paymentIntentId, status });
      return { ...purchase, status };
    },
  };
}
