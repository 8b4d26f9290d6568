import type { Db } from './database.ts';

export function customerStore(db: Db) {
  const byUser = db.prepare<[string], { stripe_customer_id: string }>(
    'SELECT stripe_customer_id FROM customers WHERE user_id = ?',
  );
  const byCustomer = db.prepare<[string], { user_id: string }>(
    'SELECT user_id FROM customers WHERE stripe_customer_id = ?',
  );
  const insert = db.prepare<{ userId: string; customerId: string; now: number }>(
    `INSERT INTO customers (user_id, stripe_customer_id, created_at)
     VALUES (@userId, @customerId, @now) ON CONFLICT (user_id) DO NOTHING`,
  );

  return {
    customerIdFor: (userId: string) => byUser.get(userId)?.stripe_customer_id,
    userIdFor: (customerId: string) => byCustomer.get(customerId)?.user_id,
    /** Keeps the first customer recorded for a user; returns the one that is stored. */
    remember(userId: string, customerId: string, now: number): string {
      insert.run({ userId, customerId, now });
      return byUser.get(userId)!.stripe_customer_id;
    },
  };
}
