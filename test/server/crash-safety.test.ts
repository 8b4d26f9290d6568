// Crash safety: `kill -9` in the middle of a burst of webhooks, restart, and nothing is lost or
// applied twice.
//
// The server runs as `npm start` runs it: `server/main.ts` in a child process, with the local
// Stripe inside the same process (runtime.ts starts it when no STRIPE_SECRET_KEY is set), so one
// SIGKILL takes down both, each in the middle of its own SQLite writes. Both databases are files
// and both ports are fixed, so the restarted process is the same installation: the local Stripe
// keeps its events and its queue of deliveries (a delivery cut off by the kill is still pending)
// and resumes sending on start, as Stripe retries an endpoint that was down. `npm run reconcile`,
// the documented recovery for events Stripe gave up on, then finds nothing left to apply.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { AccessTokens } from '../../server/http/auth.ts';
import { LocalStripeControl } from '@tilldrop/local-stripe/control-client';
import { request, TEST_AUTH_SECRET } from '../support/stack.ts';
import { waitFor } from '../support/wait.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TSX = import.meta.resolve('tsx');
const WEBHOOK_SECRET = 'whsec_crashsafetyfortests0123456789';
const BUYERS = 24;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('a crash in the middle of a burst of webhooks', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tilldrop-crash-'));
  const databasePath = join(dir, 'tilldrop.sqlite');
  const stripeDatabasePath = join(dir, 'local-stripe.sqlite');
  const output: string[] = [];
  let env: Record<string, string>;
  let child: ChildProcess | undefined;
  let apiUrl: string;
  let control: LocalStripeControl;
  const tokens = new AccessTokens(TEST_AUTH_SECRET);

  /** Starts `server/main.ts` and resolves once it says it is running. */
  async function start(): Promise<void> {
    const started = spawn(process.execPath, ['--import', TSX, join(ROOT, 'server/main.ts')], {
      // Outside the repository, so no developer's `.env` is read.
      cwd: dir,
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = started;
    await new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        output.push(chunk.toString());
        if (output.join('').includes('Tilldrop is running')) resolve();
      };
      started.stdout!.on('data', onData);
      started.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
      started.once('exit', (code) =>
        reject(new Error(`server exited (${code}): ${output.join('')}`)),
      );
    });
  }

  async function stop(signal: NodeJS.Signals): Promise<void> {
    const running = child;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    running.removeAllListeners('exit');
    await new Promise((resolve) => {
      running.once('exit', resolve);
      running.kill(signal);
    });
  }

  /** Reads the server's database from outside, as an operator would. */
  function inspect<T>(read: (db: Database.Database) => T): T {
    const db = new Database(databasePath, { readonly: true, fileMustExist: true });
    try {
      return read(db);
    } finally {
      db.close();
    }
  }

  before(async () => {
    const [port, stripePort] = [await freePort(), await freePort()];
    env = {
      PORT: String(port),
      LOCAL_STRIPE_PORT: String(stripePort),
      DATABASE_PATH: databasePath,
      LOCAL_STRIPE_DATABASE_PATH: stripeDatabasePath,
      AUTH_SECRET: TEST_AUTH_SECRET,
      STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
      RATE_LIMIT_PER_MINUTE: '10000',
      LOG_LEVEL: 'info',
    };
    apiUrl = `http://127.0.0.1:${port}`;
    control = new LocalStripeControl(`http://127.0.0.1:${stripePort}`);
    await start();
  });
  after(async () => {
    await stop('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('applies every event exactly once after a restart, and both databases pass integrity_check', async () => {
    // A burst: a third lifetime purchases, the rest subscriptions, all paid at once.
    const buyers = Array.from({ length: BUYERS }, (_, i) => ({
      userId: `crash-buyer-${i}`,
      lifetime: i % 3 === 0,
    }));
    const sessionIds = await Promise.all(
      buyers.map(async ({ userId, lifetime }) => {
        const created = lifetime
          ? await request(apiUrl, 'POST', '/api/create-checkout-session', {
              token: await tokens.sign(userId),
              body: { userId, planId: 'one-time' },
            })
          : await request(apiUrl, 'POST', '/api/subscription/create-checkout', {
              token: await tokens.sign(userId),
              body: { plan: 'PRO', billing: 'monthly' },
            });
        assert.equal(created.status, 200, JSON.stringify(created.body));
        return created.body.sessionId as string;
      }),
    );
    await Promise.all(sessionIds.map((id) => control.completeSession(id)));
    const expected = (await control.listDeliveries()).length;
    // The moment: some events applied, most still on their way.
    const appliedAtKill = await waitFor(
      () => {
        const n = inspect(
          (db) => (db.prepare('SELECT COUNT(*) AS n FROM stripe_events').get() as { n: number }).n,
        );
        return n >= 5 && n;
      },
      'the first webhooks to be applied',
      400,
    );

    await stop('SIGKILL');
    await start();
    const deliveries = await waitFor(
      async () => {
        const all = await control.listDeliveries();
        // A delivery answered `queued` is applied from the inbox after its answer.
        const waiting = inspect(
          (db) => (db.prepare('SELECT COUNT(*) AS n FROM webhook_inbox').get() as { n: number }).n,
        );
        const done = all.length >= expected && all.every((d) => d.status === 'succeeded');
        return done && waiting === 0 && all;
      },
      'every delivery to succeed and be applied after the restart',
      800,
    );

    assert.ok(appliedAtKill < expected, `killed after ${appliedAtKill} of ${expected} events`);
    const recorded = inspect((db) =>
      (db.prepare('SELECT id FROM stripe_events').all() as { id: string }[]).map((r) => r.id),
    );
    const delivered = new Set(deliveries.map((d) => d.event_id));
    assert.deepEqual(new Set(recorded), delivered, 'every delivered event is recorded, once');
    for (const { userId, lifetime } of buyers) {
      const state = inspect((db) => ({
        entitlement: db.prepare('SELECT * FROM entitlements WHERE user_id = ?').get(userId) as any,
        subscriptions: db
          .prepare('SELECT COUNT(*) AS n FROM subscriptions WHERE user_id = ?')
          .get(userId) as { n: number },
        purchases: db
          .prepare('SELECT COUNT(*) AS n FROM purchases WHERE user_id = ?')
          .get(userId) as { n: number },
        payments: db
          .prepare("SELECT COUNT(*) AS n FROM payments WHERE user_id = ? AND status = 'paid'")
          .get(userId) as { n: number },
        unfulfilled: db
          .prepare(
            'SELECT COUNT(*) AS n FROM checkout_sessions WHERE user_id = ? AND fulfilled_at IS NULL',
          )
          .get(userId) as { n: number },
      }));
      assert.equal(state.entitlement?.source, lifetime ? 'lifetime' : 'subscription', userId);
      assert.equal(state.entitlement?.plan, lifetime ? 'one-time' : 'PRO', userId);
      assert.equal(state.subscriptions.n, lifetime ? 0 : 1, userId);
      assert.equal(state.purchases.n, lifetime ? 1 : 0, userId);
      assert.equal(state.payments.n, 1, userId);
      assert.equal(state.unfulfilled.n, 0, userId);
    }

    await stop('SIGTERM');
    for (const path of [databasePath, stripeDatabasePath]) {
      const db = new Database(path, { readonly: true });
      assert.equal(db.pragma('integrity_check', { simple: true }), 'ok', path);
      assert.deepEqual(db.pragma('foreign_key_check'), [], path);
      db.close();
    }
  });

  it('leaves nothing for reconcile to apply', async () => {
    await start();

    const reconciled = spawnSync(
      process.execPath,
      ['--import', TSX, join(ROOT, 'scripts/reconcile.ts')],
      {
        cwd: dir,
        env: { PATH: process.env.PATH ?? '', ...env, LOG_LEVEL: 'silent' },
        encoding: 'utf8',
      },
    );

    assert.equal(reconciled.status, 0, reconciled.stderr);
    assert.match(reconciled.stdout, /Reconciled: 0 applied/);
  });

  it('writes no secret or token to its output', () => {
    const text = output.join('');
    const secrets = [
      TEST_AUTH_SECRET,
      WEBHOOK_SECRET,
      'whsec_',
      'sk_test_',
      'sk_live_',
      'eyJ',
      'Bearer ',
    ];

    assert.match(text, /"msg":"request"/, 'the request log was captured');
    assert.deepEqual(
      secrets.filter((secret) => text.includes(secret)),
      [],
    );
  });
});
