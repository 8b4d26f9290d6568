// What the benchmarks read back from the server's database, SQLite file or PostgreSQL alike:
// through storage's own connection, so the same checks hold on either.
import { openDatabase, type DatabaseLocation } from '../server/storage/index.ts';

/** Rows a webhook run must grow by exactly its distinct events. */
export interface Counts {
  events: number;
  purchases: number;
  invoices: number;
  refunds: number;
}

/** Ids asked about per query: one statement text, so it is prepared once on either database. */
const IDS_PER_QUERY = 100;

export async function openBenchDatabase(location: DatabaseLocation) {
  const db = await openDatabase(location);
  const count = (sql: string) => {
    const statement = db.prepare<[], { n: number }>(sql);
    return async () => (await statement.get())!.n;
  };
  const events = count(`SELECT COUNT(*) AS n FROM stripe_events`);
  const purchases = count(`SELECT COUNT(*) AS n FROM purchases`);
  const invoices = count(`SELECT COUNT(*) AS n FROM payments WHERE kind = 'invoice'`);
  const refunds = count(`SELECT COUNT(*) AS n FROM purchases WHERE status = 'refunded'`);
  const openAmong = db.prepare<string[], { id: string }>(
    `SELECT id FROM checkout_sessions WHERE status = 'open'
     AND id IN (${Array.from({ length: IDS_PER_QUERY }, () => '?').join(', ')})`,
  );
  const waiting = count(`SELECT COUNT(*) AS n FROM webhook_inbox`);
  const installation = db.prepare<[], { id: string }>('SELECT id FROM installation');

  return {
    /** With the local Stripe's own deliveries held, only the bench's change these. */
    async counts(): Promise<Counts> {
      return {
        events: await events(),
        purchases: await purchases(),
        invoices: await invoices(),
        refunds: await refunds(),
      };
    },

    /** Events answered `queued` and not yet applied, by any instance. */
    waiting,

    /** How many of these checkout sessions the server still holds open. */
    async stillOpen(ids: readonly string[]): Promise<number> {
      const open = new Set<string>();
      for (let start = 0; start < ids.length; start += IDS_PER_QUERY) {
        const chunk = ids.slice(start, start + IDS_PER_QUERY);
        // The last chunk is padded with its own first id; IN ignores the repeats.
        const padded = [...chunk, ...Array<string>(IDS_PER_QUERY - chunk.length).fill(chunk[0]!)];
        for (const row of await openAmong.all(...padded)) open.add(row.id);
      }
      return open.size;
    },

    /** The id the server tags its sessions with. */
    async installationId(): Promise<string> {
      return (await installation.get())!.id;
    },

    close: () => db.close(),
  };
}

export type BenchDatabase = Awaited<ReturnType<typeof openBenchDatabase>>;
