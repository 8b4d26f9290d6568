// The database remembers which Stripe account (and mode) its customer and session ids belong to.
// Started against another account, it sets those ids aside instead of sending them to a Stripe
// that has never heard of them. Each local Stripe database is one account.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { createLogger } from '../../server/runtime.ts';
import { request, startStack, type Stack } from '../support/stack.ts';
import { waitFor } from '../support/wait.ts';

interface Started {
  stack: Stack;
  logs: { level: number; msg: string }[];
  accountId: string;
}

describe('the Stripe account a database belongs to', () => {
  const dirs: string[] = [];
  after(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  function newDirectory(): string {
    const dir = mkdtempSync(join(tmpdir(), 'tilldrop-account-'));
    dirs.push(dir);
    return dir;
  }

  /** A server on the database in `dir`, against the local Stripe database given (a new account unless a file is reused). */
  async function start(dir: string, stripeDatabasePath = ':memory:'): Promise<Started> {
    const logs: { level: number; msg: string }[] = [];
    const stack = await startStack({
      databasePath: join(dir, 'tilldrop.sqlite'),
      env: { LOCAL_STRIPE_DATABASE_PATH: stripeDatabasePath },
      logger: createLogger('info', { write: (line: string) => void logs.push(JSON.parse(line)) }),
    });
    const { id } = await stack.stripe.accounts.retrieveCurrent();
    return { stack, logs, accountId: id };
  }

  async function checkout(stack: Stack, userId: string, planId: string) {
    return request(stack.apiUrl, 'POST', '/payment/checkout', {
      token: await stack.tokenFor(userId),
      body: { planId },
    });
  }

  const warningsOf = (logs: Started['logs']) => logs.filter((entry) => entry.level === 40);

  it('binds the database at its first start, and a restart against the same account changes nothing', async () => {
    const dir = newDirectory();
    const stripeDatabasePath = join(dir, 'local-stripe.sqlite');
    const first = await start(dir, stripeDatabasePath);
    const opened = await checkout(first.stack, 'stays', 'plan_basic');
    assert.equal(opened.status, 200, JSON.stringify(opened.body));
    const customer = await first.stack.running.storage.customers.customerIdFor('stays');
    const bound = await first.stack.running.storage.stripeAccount.bound();
    await first.stack.close();

    const second = await start(dir, stripeDatabasePath);
    try {
      const { storage } = second.stack.running;
      assert.deepEqual(bound, { id: first.accountId, livemode: false });
      assert.equal(second.accountId, first.accountId);
      assert.deepEqual(await storage.stripeAccount.bound(), bound);
      assert.equal(await storage.customers.customerIdFor('stays'), customer);
      assert.equal((await storage.sessions.find(opened.body.data.checkoutId))?.status, 'open');
      assert.deepEqual(warningsOf(second.logs), []);
    } finally {
      await second.stack.close();
    }
  });

  it("sets the old account's ids aside on another account, so a returning buyer's checkout works with a new customer", async () => {
    const dir = newDirectory();
    const first = await start(dir);
    const paid = await checkout(first.stack, 'returning', 'weekly');
    assert.equal(paid.status, 200, JSON.stringify(paid.body));
    await first.stack.control.completeSession(paid.body.data.checkoutId);
    await waitFor(
      () => first.stack.running.storage.entitlements.get('returning'),
      'the weekly subscription',
    );
    const pending = await checkout(first.stack, 'pending', 'plan_basic');
    assert.equal(pending.status, 200, JSON.stringify(pending.body));
    const oldCustomer = (await first.stack.running.storage.customers.customerIdFor('returning'))!;
    const pendingCustomer = (await first.stack.running.storage.customers.customerIdFor('pending'))!;
    await first.stack.close();

    const second = await start(dir);
    try {
      const again = await checkout(second.stack, 'returning', 'one-time');
      const reopened = await checkout(second.stack, 'pending', 'plan_basic');

      assert.notEqual(second.accountId, first.accountId);
      assert.equal(again.status, 200, JSON.stringify(again.body));
      assert.equal(reopened.status, 200, JSON.stringify(reopened.body));
      const session = await second.stack.stripe.checkout.sessions.retrieve(
        again.body.data.checkoutId,
      );
      assert.notEqual(session.customer, oldCustomer);
      assert.equal(
        (await second.stack.stripe.customers.retrieve(session.customer as string)).id,
        session.customer,
      );
      const { storage } = second.stack.running;
      assert.deepEqual(await storage.stripeAccount.bound(), {
        id: second.accountId,
        livemode: false,
      });
      assert.equal((await storage.sessions.find(pending.body.data.checkoutId))?.status, 'expired');
      const [warning] = warningsOf(second.logs);
      assert.match(warning!.msg, new RegExp(`from ${first.accountId} .* to ${second.accountId} `));
      const db = new Database(join(dir, 'tilldrop.sqlite'), { readonly: true });
      const setAside = db
        .prepare('SELECT user_id, stripe_customer_id, account_id FROM set_aside_customers')
        .all();
      db.close();
      assert.deepEqual(
        setAside.sort((a: any, b: any) => a.user_id.localeCompare(b.user_id)),
        [
          { user_id: 'pending', stripe_customer_id: pendingCustomer, account_id: first.accountId },
          { user_id: 'returning', stripe_customer_id: oldCustomer, account_id: first.accountId },
        ],
      );
    } finally {
      await second.stack.close();
    }
  });
});
