// The stores on the database the run selects (TEST_DATABASE=postgres or SQLite): what the
// services rely on, including two connections to one database acting at the same moment, as
// two instances of the API do.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openStorage, type DatabaseLocation, type Storage } from '../../server/storage/index.ts';
import type { StoredSubscription } from '../../server/storage/subscriptions.ts';
import { freshPostgresDatabase, testDialect } from '../support/postgres.ts';

/** A stored subscription of `sub_order`'s buyer, as Stripe had it at `asOf`. */
const subscriptionRow = (
  asOf: number,
  status: StoredSubscription['status'],
  changes: Partial<StoredSubscription> = {},
): StoredSubscription => ({
  id: 'sub_order',
  user_id: 'orderly',
  customer_id: 'cus_order',
  catalog_id: 'pro-monthly',
  plan: 'PRO',
  billing: 'monthly',
  price_id: 'price_pro',
  status,
  cancel_at_period_end: 0,
  current_period_start: 1,
  current_period_end: 2_000_000_000_000,
  canceled_at: null,
  ended_at: null,
  scheduled_plan: null,
  scheduled_billing: null,
  scheduled_at: null,
  trial_end: null,
  stripe_updated_at: asOf,
  updated_at: asOf,
  ...changes,
});

describe(`storage on ${testDialect}`, () => {
  let dir: string;
  const opened: Storage[] = [];
  let location: DatabaseLocation;
  let storage: Storage;
  let twin: Storage;

  const open = async (at = location) => {
    const each = await openStorage(at);
    opened.push(each);
    return each;
  };
  const freshLocation = async (): Promise<DatabaseLocation> =>
    testDialect === 'postgres'
      ? { url: await freshPostgresDatabase(), path: '' }
      : { path: join(dir, `${opened.length}-${Date.now()}.sqlite`) };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tilldrop-storage-'));
    location = await freshLocation();
    storage = await open();
    twin = await open();
  });
  after(async () => {
    await Promise.all(opened.map((each) => each.close()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('migrates once when several instances start together, and they share one installation id', async () => {
    const at = await freshLocation();

    const together = await Promise.all([open(at), open(at), open(at)]);

    assert.equal(new Set(together.map((each) => each.instanceId)).size, 1);
    assert.match(together[0]!.instanceId, /^[0-9a-f]{32}$/);
  });

  it('records an event once when two connections record it at the same moment', async () => {
    const event = { id: 'evt_race', type: 'invoice.paid', created: 1 };

    const outcomes = await Promise.all(
      [storage, twin, storage, twin].map((each) =>
        each.transaction((tx) => tx.events.record(event, 2)),
      ),
    );

    assert.deepEqual(outcomes.filter(Boolean).length, 1);
    assert.equal(await twin.events.seen('evt_race'), true);
  });

  it('keeps nothing of a transaction that fails', async () => {
    const failing = storage.transaction(async (tx) => {
      await tx.events.record({ id: 'evt_rolled_back', type: 'invoice.paid', created: 1 }, 2);
      throw new Error('the effect failed');
    });

    await assert.rejects(failing, /the effect failed/);
    assert.equal(await twin.events.seen('evt_rolled_back'), false);
  });

  it('refuses a statement sent beside its open transaction instead of waiting forever', async () => {
    const misuse = storage.transaction(async (tx) => {
      await tx.events.record({ id: 'evt_guarded', type: 'customer.created', created: 1 }, 1);
      return storage.events.count();
    });

    await assert.rejects(misuse, /instead of its open transaction/);
    assert.equal(await twin.events.seen('evt_guarded'), false);
    // The same read on the transaction itself is fine.
    assert.equal(await storage.transaction((tx) => tx.events.count()), await twin.events.count());
  });

  it('runs one buyer’s work on one connection at a time, whichever connection asks', async () => {
    const running: string[] = [];
    let overlapped = false;
    const work = (name: string) => async () => {
      if (running.length > 0) overlapped = true;
      running.push(name);
      await new Promise((resolve) => setTimeout(resolve, 20));
      running.pop();
      return name;
    };

    const done = await Promise.all([
      storage.forBuyer('alice', work('first')),
      twin.forBuyer('alice', work('second')),
      twin.forBuyer('alice', work('third')),
    ]);

    assert.deepEqual(done.sort(), ['first', 'second', 'third']);
    assert.equal(overlapped, false);
  });

  it('never lets an older subscription state overwrite a newer one, in either order', async () => {
    await storage.subscriptions.save(subscriptionRow(20, 'past_due'));
    await twin.subscriptions.save(subscriptionRow(10, 'active'));

    const stored = await storage.subscriptions.find('sub_order');
    assert.equal(stored?.status, 'past_due');
    assert.equal(stored?.current_period_end, 2_000_000_000_000);
  });

  it("leads a buyer's subscriptions with the live one when an ended one changed at Stripe in the same second", async () => {
    // An inbox may apply the ended subscription's last event after the new subscription's.
    const buyer = { user_id: 'resubscriber', stripe_updated_at: 1_700_000_000 };
    await storage.subscriptions.save(
      subscriptionRow(0, 'active', { ...buyer, id: 'sub_new', updated_at: 1_700_000_010 }),
    );
    await storage.subscriptions.save(
      subscriptionRow(0, 'canceled', {
        ...buyer,
        id: 'sub_trial_ended',
        updated_at: 1_700_000_020,
      }),
    );

    const [current] = await storage.subscriptions.listForUser('resubscriber');

    assert.equal(current?.id, 'sub_new');
  });

  it('pages payments newest first, ties broken by id in byte order', async () => {
    const payment = (id: string, created: number) => ({
      id,
      user_id: 'pager',
      kind: 'invoice' as const,
      description: 'Subscription',
      amount: 1000,
      currency: 'usd',
      status: 'paid',
      created,
      receipt_url: null,
    });
    for (const [id, created] of [
      ['in_B', 5],
      ['in_a', 5],
      ['in_c', 4],
    ] as const) {
      await storage.payments.save(payment(id, created));
    }

    const first = await storage.payments.list('pager', 2);
    const rest = await storage.payments.list('pager', 2, first.at(-1));

    assert.deepEqual(
      [...first, ...rest].map((each) => each.id),
      ['in_a', 'in_B', 'in_c'],
    );
  });

  it('answers whether a buyer paid or subscribed before as booleans on both databases', async () => {
    await storage.transaction(async (tx) => {
      await tx.purchases.record({
        payment_intent_id: 'pi_before',
        checkout_session_id: 'cs_before',
        user_id: 'returning',
        catalog_id: 'one-time',
        charge_id: null,
        amount: 14_900,
        currency: 'usd',
        created_at: 1,
      });
      await tx.entitlements.refresh('returning', 2);
    });

    assert.equal(await twin.hasPaidBefore('returning'), true);
    assert.equal(await twin.hasPaidBefore('stranger'), false);
    assert.equal(await twin.hasSubscribedBefore('returning'), false);
    assert.equal((await twin.entitlements.get('returning'))?.source, 'lifetime');
  });
});
