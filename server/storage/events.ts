import type { Db } from './database.ts';

export function eventStore(db: Db) {
  const insert = db.prepare<{ id: string; type: string; created: number; now: number }>(
    `INSERT INTO stripe_events (id, type, created, processed_at) VALUES (@id, @type, @created, @now)
     ON CONFLICT (id) DO NOTHING`,
  );
  const seen = db.prepare<[string], { id: string }>('SELECT id FROM stripe_events WHERE id = ?');
  const count = db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM stripe_events');

  return {
    /** False when the event was already recorded: its effects must not run again. */
    record: async (event: { id: string; type: string; created: number }, now: number) =>
      (await insert.run({ id: event.id, type: event.type, created: event.created, now })) > 0,
    seen: async (id: string) => (await seen.get(id)) !== undefined,
    count: async () => (await count.get())!.n,
  };
}
