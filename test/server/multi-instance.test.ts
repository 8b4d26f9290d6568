// Two instances of the API, each in its own process, on one PostgreSQL database and one Stripe in
// a third process, as several instances run behind a load balancer: every guarantee holds across
// them, and one killed mid-burst loses and doubles nothing.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { AccessTokens } from '../../server/http/auth.ts';
import { makeEvent } from '../support/events.ts';
import { freePort, startExternalStripe, type ExternalStripe } from '../support/external-stripe.ts';
import { freshPostgresDatabase } from '../support/postgres.ts';
import { productionEnv } from '../support/production-stack.ts';
import { request, TEST_AUTH_SECRET } from '../support/stack.ts';
import { waitFor } from '../support/wait.ts';

interface Instance {
  url: string;
  child: ChildProcess;
}

/** The answers that say an event is taken: applied now, queued to be, or already either. */
const ACCEPTED = ['processed', 'queued', 'duplicate'];

describe('two instances on one PostgreSQL', () => {
  let dir: string;
  let databaseUrl: string;
  let external: ExternalStripe;
  let db: pg.Client;
  const instances: Instance[] = [];
  const tokens = new AccessTokens(TEST_AUTH_SECRET);

  async function startInstance(): Promise<Instance> {
    const port = await freePort();
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      cwd: new URL('../../', import.meta.url),
      env: {
        ...process.env,
        ...productionEnv(external, port, join(dir, 'unused.sqlite')),
        DATABASE_URL: databaseUrl,
      },
      stdio: 'ignore',
    });
    const url = `http://127.0.0.1:${port}`;
    await waitFor(
      () =>
        fetch(`${url}/api/plans`).then(
          (answer) => answer.ok,
          () => false,
        ),
      `the instance on port ${port}`,
      400,
    );
    const instance = { url, child };
    instances.push(instance);
    return instance;
  }

  const rows = async <T extends pg.QueryResultRow>(sql: string, params: unknown[] = []) =>
    (await db.query<T>(sql, params)).rows;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tilldrop-instances-'));
    databaseUrl = await freshPostgresDatabase();
    // No webhook endpoint: the test delivers every event itself, to both instances.
    external = await startExternalStripe();
    // Started together: the migration lock lets one migrate while the other waits.
    await Promise.all([startInstance(), startInstance()]);
    db = new pg.Client({ connectionString: databaseUrl });
    await db.connect();
  });
  after(async () => {
    await db?.end();
    for (const { child } of instances) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await once(child, 'exit');
      }
    }
    await external?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('makes one session for a double click whose clicks reach different instances', async () => {
    const buyers = Array.from({ length: 8 }, (_, index) => `double-clicker-${index}`);

    const answers = await Promise.all(
      buyers.map(async (buyer) => {
        const token = await tokens.sign(buyer);
        const click = (instance: Instance) =>
          request(instance.url, 'POST', '/api/subscription/create-checkout', {
            token,
            body: { plan: 'PRO', billing: 'monthly' },
          });
        return Promise.all([click(instances[0]!), click(instances[1]!)]);
      }),
    );

    for (const [first, second] of answers) {
      assert.equal(first.status, 200, JSON.stringify(first.body));
      assert.equal(second.status, 200, JSON.stringify(second.body));
      assert.equal(first.body.sessionId, second.body.sessionId);
    }
    const stored = await rows<{ user_id: string; n: number }>(
      `SELECT user_id, COUNT(*)::int AS n FROM checkout_sessions GROUP BY user_id ORDER BY user_id`,
    );
    assert.deepEqual(
      stored,
      [...buyers].sort().map((user_id) => ({ user_id, n: 1 })),
    );
    const customers = await rows<{ stripe_customer_id: string }>(
      'SELECT stripe_customer_id FROM customers',
    );
    assert.equal(customers.length, buyers.length);
    for (const { stripe_customer_id: customer } of customers) {
      const sessions = await external.stripe.checkout.sessions.list({ customer });
      assert.equal(sessions.data.length, 1, `one Stripe session for ${customer}`);
    }
  });

  it('applies each event once when duplicates reach both instances at once, and after one is killed mid-burst', async () => {
    const [customer] = await rows<{ stripe_customer_id: string; user_id: string }>(
      `SELECT stripe_customer_id, user_id FROM customers WHERE user_id = 'double-clicker-0'`,
    );
    const events = Array.from({ length: 120 }, (_, index) =>
      makeEvent('invoice.paid', {
        id: `in_burst_${index}`,
        object: 'invoice',
        customer: customer!.stripe_customer_id,
        currency: 'usd',
        amount_due: 1900,
        amount_paid: 1900,
        created: 1_700_000_000 + index,
        hosted_invoice_url: null,
        lines: { data: [{ description: 'PRO monthly' }] },
        parent: null,
      }),
    );
    const deliver = async (instance: Instance, event: object) => {
      const payload = JSON.stringify(event);
      const signature = external.stripe.webhooks.generateTestHeaderString({
        payload,
        secret: external.webhookSecret,
      });
      try {
        const answer = await request(instance.url, 'POST', '/api/webhooks/stripe', {
          rawBody: payload,
          headers: { 'content-type': 'application/json', 'stripe-signature': signature },
        });
        return answer.status === 200 ? (answer.body.outcome as string) : 'failed';
      } catch {
        return 'failed'; // The instance died with the request in flight.
      }
    };
    const [survivor, victim] = instances as [Instance, Instance];

    // Every event goes to both instances at the same moment, ten at a time; the second instance
    // is killed while the fifth ten are in flight.
    const outcomes = new Map<string, string[]>();
    for (let start = 0; start < events.length; start += 10) {
      const wave = Promise.all(
        events.slice(start, start + 10).map(async (event) => {
          outcomes.set(
            event.id,
            await Promise.all([deliver(survivor, event), deliver(victim, event)]),
          );
        }),
      );
      if (start === 40) {
        await new Promise((resolve) => setTimeout(resolve, 5));
        victim.child.kill('SIGKILL');
      }
      await wave;
    }
    // Stripe redelivers what was not answered 200; here, everything again, to the survivor.
    for (const event of events) outcomes.get(event.id)!.push(await deliver(survivor, event));

    for (const event of events) {
      const answered = outcomes.get(event.id)!;
      assert.ok(
        answered.filter((outcome) => outcome === 'processed').length <= 1,
        `${event.id} applied at most once: ${answered.join(', ')}`,
      );
      assert.ok(
        answered.some((outcome) => ACCEPTED.includes(outcome)),
        answered.join(', '),
      );
    }
    // What was answered `queued` is applied from the inbox, the killed instance's claims once
    // their lease runs out.
    await waitFor(
      async () =>
        (await rows<{ n: number }>('SELECT COUNT(*)::int AS n FROM webhook_inbox'))[0]!.n === 0,
      'the inbox to be applied',
      1_200,
    );
    assert.ok(victim.child.signalCode === 'SIGKILL' || victim.child.exitCode !== null);
    const recorded = await rows<{ id: string }>(
      `SELECT id FROM stripe_events WHERE type = 'invoice.paid'`,
    );
    assert.deepEqual(recorded.map((row) => row.id).sort(), events.map((event) => event.id).sort());
    const [payments] = await rows<{ n: number }>(
      `SELECT COUNT(*)::int AS n FROM payments WHERE id LIKE 'in_burst_%' AND user_id = $1`,
      [customer!.user_id],
    );
    assert.equal(payments!.n, events.length);
  });
});
