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
     VALUES (@userId, @customerId, @now) ON CONFLICT DO NOTHING`,
  );

  return {
    customerIdFor: (userId: string) => byUser.get(userId)?.stripe_customer_id,
    userIdFor: (customerId: string) => byCustomer.get(customerId)?.user_id,
    /**
     * Keeps the first pairing: a user keeps their first customer and a customer its first user,
     * whatever later metadata says. Returns the customer stored for the user.
     */
    remember(userId: string, customerId: string, now: number): string | undefined {
      insert.run({ userId, customerId, now });
      return byUser.get(userId)?.stripe_customer_id;
    },
  };
}
