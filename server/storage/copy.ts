import type { Sql } from './sql.ts';

/** Every table with rows worth keeping, parents first. */
const TABLES = [
  'customers',
  'checkout_sessions',
  'subscriptions',
  'purchases',
  'payments',
  'entitlements',
  'stripe_events',
  'webhook_inbox',
  'payment_reversals',
  'stripe_account',
  'set_aside_customers',
] as const;

export class TargetNotEmptyError extends Error {}

/**
 * Copies every row of one migrated database into another, in one transaction on the target, and
 * refuses a target that holds any. The installation id goes too: the sessions already in Stripe
 * carry it in their metadata, and are only recognised as ours by it.
 */
export async function copyDatabase(from: Sql, to: Sql): Promise<Record<string, number>> {
  const copied: Record<string, number> = {};
  await to.transaction(async (tx) => {
    for (const table of TABLES) {
      const held = await tx.prepare<[], { n: number }>(`SELECT COUNT(*) AS n FROM ${table}`).get();
      if (held!.n > 0) throw new TargetNotEmptyError(`The target already has rows in ${table}`);
    }
    for (const table of TABLES) {
      const rows = await from.prepare<[], Record<string, unknown>>(`SELECT * FROM ${table}`).all();
      for (const row of rows) {
        const columns = Object.keys(row);
        await tx
          .prepare(
            `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
          )
          .run(...Object.values(row));
      }
      copied[table] = rows.length;
    }
    const installation = await from
      .prepare<[], { id: string }>('SELECT id FROM installation')
      .get();
    await tx.prepare<[string]>('UPDATE installation SET id = ?').run(installation!.id);
  });
  return copied;
}
