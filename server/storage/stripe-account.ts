import type { Db } from './database.ts';

/** A Stripe account in one mode: test and live mode of one account share no objects. */
export interface StripeAccount {
  id: string;
  livemode: boolean;
}

export function stripeAccountStore(db: Db) {
  const bound = db.prepare<[], { account_id: string; livemode: number }>(
    'SELECT account_id, livemode FROM stripe_account WHERE singleton = 1',
  );
  const bind = db.prepare<{ id: string; livemode: number; now: number }>(
    `INSERT INTO stripe_account (singleton, account_id, livemode, bound_at)
     VALUES (1, @id, @livemode, @now)
     ON CONFLICT (singleton) DO UPDATE SET account_id = excluded.account_id,
       livemode = excluded.livemode, bound_at = excluded.bound_at`,
  );

  return {
    /** The account the Stripe ids in this database belong to; undefined until one is bound. */
    async bound(): Promise<StripeAccount | undefined> {
      const row = await bound.get();
      return row && { id: row.account_id, livemode: row.livemode === 1 };
    },
    async bind(account: StripeAccount, now: number): Promise<void> {
      await bind.run({ id: account.id, livemode: account.livemode ? 1 : 0, now });
    },
  };
}
