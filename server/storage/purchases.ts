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

  return {
    record: (purchase: Purchase) => insert.run(purchase).changes > 0,
    find: (paymentIntentId: string) => byPaymentIntent.get(paymentIntentId),
    revoke: (paymentIntentId: string, status: 'refunded' | 'disputed') =>
      revoke.run({ paymentIntentId, status }).changes > 0,
  };
}
