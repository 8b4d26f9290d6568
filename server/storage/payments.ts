import type { Db } from './database.ts';

export interface Payment {
  id: string;
  user_id: string;
  kind: 'invoice' | 'one_time';
  description: string;
  amount: number;
  currency: string;
  status: string;
  created: number;
  receipt_url: string | null;
}

export function paymentStore(db: Db) {
  // An invoice that failed and was then paid stays paid, whatever order the events arrive in; one
  // whose bank asks the buyer to confirm it (3D Secure) stays so until it is paid, as its attempt
  // is announced as failed too.
  const upsert = db.prepare<Payment>(`
    INSERT INTO payments (id, user_id, kind, description, amount, currency, status, created, receipt_url)
    VALUES (@id, @user_id, @kind, @description, @amount, @currency, @status, @created, @receipt_url)
    ON CONFLICT (id) DO UPDATE SET
      status = CASE
        WHEN payments.status IN ('paid', 'refunded') AND excluded.status NOT IN ('refunded')
          THEN payments.status
        WHEN payments.status = 'requires_action' AND excluded.status = 'failed'
          THEN payments.status
        ELSE excluded.status END,
      amount = excluded.amount, receipt_url = COALESCE(excluded.receipt_url, payments.receipt_url)`);
  const page = db.prepare<
    { userId: string; limit: number; beforeCreated: number; beforeId: string },
    Payment
  >(`
    SELECT * FROM payments WHERE user_id = @userId
      AND (created < @beforeCreated OR (created = @beforeCreated AND id < @beforeId))
    ORDER BY created DESC, id DESC LIMIT @limit`);
  const setStatus = db.prepare<{ id: string; status: string }>(
    'UPDATE payments SET status = @status WHERE id = @id',
  );

  const byIdForUser = db.prepare<[string, string], Payment>(
    'SELECT * FROM payments WHERE id = ? AND user_id = ?',
  );
  const newestAwaitingBuyer = db.prepare<[string], Payment>(
    `SELECT * FROM payments WHERE user_id = ? AND status = 'requires_action'
       AND receipt_url IS NOT NULL
     ORDER BY created DESC, id DESC LIMIT 1`,
  );

  return {
    save: (payment: Payment) => upsert.run(payment),
    setStatus: (id: string, status: string) => setStatus.run({ id, status }),
    /** Newest first; `after` is the last id of the previous page. */
    list(userId: string, limit: number, after?: Payment): Promise<Payment[]> {
      return page.all({
        userId,
        limit,
        beforeCreated: after ? after.created : Number.MAX_SAFE_INTEGER,
        beforeId: after ? after.id : '\uffff',
      });
    },
    /** A payment, only if it is this user's. */
    findForUser: (id: string, userId: string) => byIdForUser.get(id, userId),
    /** The newest invoice the buyer must confirm on its hosted page (`receipt_url`). */
    awaitingBuyer: (userId: string) => newestAwaitingBuyer.get(userId),
  };
}
