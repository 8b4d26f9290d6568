import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { openStorage, type Storage } from '../../server/storage/index.ts';
import { freshPostgresDatabase } from '../support/postgres.ts';
import { request, startStack, type Stack } from '../support/stack.ts';
import { waitFor } from '../support/wait.ts';

const TABLES = ['customers', 'checkout_sessions', 'purchases', 'payments', 'entitlements'];

describe('npm run db:copy', () => {
  let stack: Stack;
  let sqlite: Storage;
  const copy = (to: string) =>
    promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/db-copy.ts', '--to', to], {
      env: { ...process.env, DATABASE_PATH: stack.databasePath, LOG_LEVEL: 'silent' },
      encoding: 'utf8',
    });
  const counts = async (storage: Storage) =>
    Promise.all(
      [...TABLES, 'stripe_events'].map(
        async (table) =>
          (await storage.db.prepare<[], { n: number }>(`SELECT COUNT(*) AS n FROM ${table}`).get())!
            .n,
      ),
    );

  before(async () => {
    stack = await startStack({ env: { DATABASE_URL: '' } });
    const token = await stack.tokenFor('mover');
    const created = await request(stack.apiUrl, 'POST', '/api/create-checkout-session', {
      token,
      body: { userId: 'mover', planId: 'one-time' },
    });
    await stack.control.completeSession(created.body.sessionId);
    await waitFor(() => stack.running.storage.entitlements.get('mover'), 'lifetime access');
    sqlite = stack.running.storage;
  });
  after(() => stack.close());

  it('moves every row and the installation id into an empty PostgreSQL database', async () => {
    const url = await freshPostgresDatabase();

    const { stdout } = await copy(url);

    const postgres = await openStorage({ url, path: '' });
    try {
      assert.match(stdout, /^Copied \d+ rows from /);
      assert.deepEqual(await counts(postgres), await counts(sqlite));
      assert.ok((await counts(postgres)).every((n) => n > 0));
      assert.equal(postgres.instanceId, sqlite.instanceId);
      assert.equal((await postgres.entitlements.get('mover'))?.source, 'lifetime');
      assert.equal(await postgres.hasPaidBefore('mover'), true);
    } finally {
      await postgres.close();
    }
  });

  it('refuses a target that already holds rows, and leaves it as it was', async () => {
    const url = await freshPostgresDatabase();
    await copy(url);

    const second = await copy(url).then(
      () => assert.fail('the second copy should fail'),
      (error: { code: number; stderr: string }) => error,
    );

    assert.equal(second.code, 1);
    assert.match(
      second.stderr,
      /already has rows in customers: db:copy only fills an empty database/,
    );
    const postgres = await openStorage({ url, path: '' });
    try {
      assert.deepEqual(await counts(postgres), await counts(sqlite));
    } finally {
      await postgres.close();
    }
  });
});
