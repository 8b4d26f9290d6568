import type { Db } from './database.ts';

/** An event waiting in the inbox, as a claim hands it out. */
export interface InboxEntry {
  id: string;
  payload: string;
  attempts: number;
}

/**
 * The events answered before they were applied. Times are milliseconds. A claim only keeps other
 * appliers off an entry for its lease: exactly once rests on the event id recorded with the
 * effect, so an entry applied twice (a lease run out, a crash after the commit) changes nothing.
 */
export function inboxStore(db: Db) {
  // One statement, so an event applied and recorded meanwhile is never queued again.
  const add = db.prepare<{ id: string; type: string; payload: string; now: number }>(
    `INSERT INTO webhook_inbox (id, type, payload, received_at, next_attempt_at)
     SELECT @id, @type, @payload, CAST(@now AS BIGINT), CAST(@now AS BIGINT)
     WHERE NOT EXISTS (SELECT 1 FROM stripe_events WHERE id = @id)
     ON CONFLICT (id) DO NOTHING`,
  );
  // The outer `locked_until` check is what a second claimer on PostgreSQL re-checks once the
  // first one's update commits, so two claims never both get the same entry.
  const claim = db.prepare<{ now: number; until: number; limit: number }, InboxEntry>(
    `UPDATE webhook_inbox SET locked_until = @until
     WHERE locked_until <= @now AND id IN (
       SELECT id FROM webhook_inbox WHERE next_attempt_at <= @now AND locked_until <= @now
       ORDER BY received_at, id LIMIT @limit)
     RETURNING id, payload, attempts`,
  );
  const retryAt = db.prepare<{ id: string; attempts: number; at: number; error: string }>(
    `UPDATE webhook_inbox SET attempts = @attempts, next_attempt_at = @at, locked_until = 0,
       last_error = @error WHERE id = @id`,
  );
  const remove = db.prepare<[string]>('DELETE FROM webhook_inbox WHERE id = ?');
  const releaseAll = db.prepare('UPDATE webhook_inbox SET locked_until = 0');
  const find = db.prepare<[string], { attempts: number; last_error: string | null }>(
    'SELECT attempts, last_error FROM webhook_inbox WHERE id = ?',
  );
  const count = db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM webhook_inbox');

  return {
    /** False when the event is already waiting, or already applied. */
    add: async (event: { id: string; type: string }, payload: string, now: number) =>
      (await add.run({ id: event.id, type: event.type, payload, now })) > 0,
    /** Up to `limit` due entries, oldest first, each held for `leaseMs`. */
    claim: (now: number, leaseMs: number, limit: number) =>
      claim.all({ now, until: now + leaseMs, limit }),
    retryAt: async (id: string, attempts: number, at: number, error: string) => {
      await retryAt.run({ id, attempts, at, error });
    },
    remove: async (id: string) => {
      await remove.run(id);
    },
    /** Frees every claim: only for a database no other process applies from (SQLite). */
    releaseAll: async () => {
      await releaseAll.run();
    },
    find: (id: string) => find.get(id),
    count: async () => (await count.get())!.n,
  };
}
