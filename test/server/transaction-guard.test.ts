// Outside production, a statement sent on the plain connection from inside a transaction fails
// at once instead of waiting for the transaction it is inside (SQLite) or missing its writes
// (PostgreSQL).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openStorage, type Storage } from '../../server/storage/index.ts';
import { freshPostgresDatabase, testDialect } from '../support/postgres.ts';

describe('a statement on the connection inside its own transaction', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tilldrop-guard-'));
  let storage: Storage;
  before(async () => {
    const url = testDialect === 'postgres' ? await freshPostgresDatabase() : undefined;
    storage = await openStorage({ url, path: join(dir, 'tilldrop.sqlite') });
  });
  after(async () => {
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is refused, and the transaction writes nothing', async () => {
    await assert.rejects(
      storage.transaction(async (tx) => {
        await tx.events.record({ id: 'evt_guarded', type: 'customer.created', created: 1 }, 1);
        return storage.events.count();
      }),
      /ran on the connection instead of its open transaction/,
    );
    assert.equal(await storage.events.seen('evt_guarded'), false);
    // The same read on the transaction itself is fine.
    assert.equal(await storage.transaction((tx) => tx.events.count()), 0);
  });
});
