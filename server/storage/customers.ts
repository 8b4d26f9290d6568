import type { Db } from './database.ts';
import type { StripeAccount } from './stripe-account.ts';

export function customerStore(db: Db) {
  const byUser = db.prepare<[string], { stripe_customer_id: string }>(
    'SELECT stripe_customer_id FROM customers WHERE user_id = ?',
  );
  const byCustomer = db.prepare<[string], { user_id: string }>(
    'SELECT user_id FROM customers WHERE stripe_customer_id = ?',
  );
  const insert = db.prepare<
    { userId: string; customerId: string; now: number },
    { stripe_customer_id: string }
  >(
    `INSERT INTO customers (user_id, stripe_customer_id, created_at)
     VALUES (@userId, @customerId, @now) ON CONFLICT DO NOTHING
     RETURNING stripe_customer_id`,
  );
  const copyAll = db.prepare<{ accountId: string; livemode: number; now: number }>(
    `INSERT INTO set_aside_customers
       (user_id, stripe_customer_id, account_id, livemode, created_at, set_aside_at)
     SELECT user_id, stripe_customer_id, CAST(@accountId AS TEXT), CAST(@livemode AS INTEGER),
       created_at, CAST(@now AS BIGINT) FROM customers
     WHERE true ON CONFLICT DO NOTHING`,
  );
  const removeAll = db.prepare('DELETE FROM customers');

  return {
    customerIdFor: async (userId: string) => (await byUser.get(userId))?.stripe_customer_id,
    userIdFor: async (customerId: string) => (await byCustomer.get(customerId))?.user_id,
    /**
     * Keeps the first pairing: a user keeps their first customer and a customer its first user,
     * whatever later metadata says. Returns the customer stored for the user.
     */
    async remember(userId: string, customerId: string, now: number): Promise<string | undefined> {
      // Read back only when the pairing was not written: the user's may be stored already.
      const written = await insert.get({ userId, customerId, now });
      return (written ?? (await byUser.get(userId)))?.stripe_customer_id;
    },
    /**
     * Takes every pairing out of use, keeping it in set_aside_customers with the account its
     * customer belongs to; call on a transaction. Returns how many there were.
     */
    async setAsideAll(account: StripeAccount, now: number): Promise<number> {
      await copyAll.run({ accountId: account.id, livemode: account.livemode ? 1 : 0, now });
      return removeAll.run();
    },
  };
}
