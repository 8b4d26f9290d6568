import type { Db } from './database.ts';

export interface Purchase {
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
  // A refund or a dispute is final for access: a later "paid" never restores it.
  const revoke = db.prepare<{ paymentIntentId: string; status: 'refunded' | 'disputed' }>(
    `UPDATE purchases SET status = @status WHERE payment_intent_id = @paymentIntentId AND status = 'paid'`,
  );

  const earlyRevocation = db.prepare<{ paymentIntentId: string; status: string; now: number }>(
    `INSERT INTO payment_revocations (payment_intent_id, status, created_at)
     VALUES (@paymentIntentId, @status, @now) ON CONFLICT DO NOTHING`,
  );
  const revocation = db.prepare<[string], { status: 'refunded' | 'disputed' }>(
    'SELECT status FROM payment_revocations WHERE payment_intent_id = ?',
  );

  return {
    /** Records a paid purchase, or a revoked one when its refund or dispute came first. */
    record(purchase: Purchase): Purchase['status'] {
      const status = revocation.get(purchase.payment_intent_id)?.status ?? purchase.status;
      insert.run({ ...purchase, status });
      return status;
    },
    find: (paymentIntentId: string) => byPaymentIntent.get(paymentIntentId),
    /** Revokes a recorded purchase, or remembers the revocation for a purchase not recorded yet. */
    revoke(paymentIntentId: string, status: 'refunded' | 'disputed', now: number): void {
      if (byPaymentIntent.get(paymentIntentId)) revoke.run({ paymentIntentId, status });
      else earlyRevocation.run({ paymentIntentId, status, now });
    },
  };
}
