// A burst of deliveries is answered from the inbox and applied after; what waits there survives a
// restart, a killed run's claim and a failed application, and is applied once.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { nowSeconds, openStorage } from '../../server/storage/index.ts';
import {
  count,
  deliver,
  deliverAtOnce,
  makeEvent,
  paidLifetimeSession,
  REFUSE_PURCHASES,
} from '../support/events.ts';
import { startStack, type Stack } from '../support/stack.ts';
import { waitFor } from '../support/wait.ts';

const BURST = 40;

/** Each database refusing to queue one event, as a failing disk would refuse a commit. */
const refuseInboxEntry = (eventId: string) => ({
  sqlite: {
    create: `CREATE TRIGGER refuse_entry BEFORE INSERT ON webhook_inbox WHEN NEW.id = '${eventId}'
             BEGIN SELECT RAISE(ABORT, 'disk full'); END`,
    drop: 'DROP TRIGGER refuse_entry',
  },
  postgres: {
    create: `CREATE FUNCTION refuse_entry() RETURNS trigger LANGUAGE plpgsql
               AS $$ BEGIN RAISE EXCEPTION 'disk full'; END $$;
             CREATE TRIGGER refuse_entry BEFORE INSERT ON webhook_inbox
               FOR EACH ROW WHEN (NEW.id = '${eventId}') EXECUTE FUNCTION refuse_entry()`,
    drop: 'DROP TRIGGER refuse_entry ON webhook_inbox; DROP FUNCTION refuse_entry()',
  },
});

const inboxEmpty = (stack: Stack) =>
  waitFor(async () => (await count(stack, 'webhook_inbox')) === 0, 'the inbox to be applied');

describe('the webhook inbox', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({ env: { RATE_LIMIT_PER_MINUTE: '10000' } });
  });
  after(() => stack.close());

  it('answers a burst before applying it, then applies each event once however often it came', async () => {
    const events = [];
    for (let i = 0; i < BURST; i++) {
      const session = await paidLifetimeSession(stack, `burst-buyer-${i}`);
      events.push(makeEvent('checkout.session.completed', session));
    }

    const answers = await deliverAtOnce(stack, [...events, ...events]);

    assert.deepEqual(new Set(answers.map((answer) => answer.status)), new Set([200]));
    const outcomes = answers.map((answer) => answer.body.outcome as string);
    assert.ok(outcomes.includes('queued'), `some were queued: ${outcomes.join(' ')}`);
    assert.ok(outcomes.filter((outcome) => outcome === 'processed').length < BURST);
    await inboxEmpty(stack);
    for (let i = 0; i < BURST; i++) {
      assert.equal(await count(stack, 'purchases', 'user_id = ?', `burst-buyer-${i}`), 1);
      const entitlement = await stack.running.storage.entitlements.get(`burst-buyer-${i}`);
      assert.equal(entitlement?.source, 'lifetime');
    }
    for (const event of events) {
      assert.equal(await count(stack, 'stripe_events', 'id = ?', event.id), 1);
    }
  });

  it('writes a burst in one commit: a commit refused answers each delivery in it 500 and keeps none', async () => {
    const events = [];
    for (let i = 0; i < BURST / 2; i++) {
      const session = await paidLifetimeSession(stack, `batched-buyer-${i}`);
      events.push(makeEvent('checkout.session.completed', session));
    }
    const refused = events[BURST / 4]!;
    const { storage } = stack.running;
    const refusal = refuseInboxEntry(refused.id)[storage.db.dialect];
    await storage.db.exec(refusal.create);
    let answers;
    try {
      answers = await deliverAtOnce(stack, events);
    } finally {
      await storage.db.exec(refusal.drop);
    }

    const failed = events.filter((_, i) => answers[i]!.status === 500);
    assert.ok(failed.includes(refused), 'the refused entry failed its delivery');
    // Written alone, the others would all have been answered 200.
    assert.ok(failed.length > 1, `the refused entry shared its commit: ${failed.length} failed`);
    for (const event of failed) {
      assert.equal(await storage.inbox.find(event.id), undefined, `${event.id} was not kept`);
      assert.equal(await count(stack, 'stripe_events', 'id = ?', event.id), 0);
    }
    // Stripe delivers each failed one again.
    for (const event of failed) assert.equal((await deliver(stack, event)).status, 200);
    await inboxEmpty(stack);
    for (let i = 0; i < BURST / 2; i++)
      assert.equal(await count(stack, 'purchases', 'user_id = ?', `batched-buyer-${i}`), 1);
  });

  it('keeps an event whose application fails, and retries it until it is applied', async () => {
    const event = makeEvent(
      'checkout.session.completed',
      await paidLifetimeSession(stack, 'retried-buyer'),
    );
    const { storage } = stack.running;
    await storage.db.exec(REFUSE_PURCHASES[storage.db.dialect].create);
    try {
      await storage.inbox.add(event, JSON.stringify(event), Date.now());
      const failed = await waitFor(
        async () => {
          const entry = await storage.inbox.find(event.id);
          return entry && entry.attempts > 0 && entry;
        },
        'the first attempt to fail',
        400,
      );
      assert.match(failed.last_error ?? '', /disk full/);
      assert.equal(await count(stack, 'stripe_events', 'id = ?', event.id), 0);
    } finally {
      await storage.db.exec(REFUSE_PURCHASES[storage.db.dialect].drop);
    }

    await waitFor(async () => !(await storage.inbox.find(event.id)), 'the retry', 400);
    assert.equal(await count(stack, 'purchases', 'user_id = ?', 'retried-buyer'), 1);
    assert.equal(await count(stack, 'stripe_events', 'id = ?', event.id), 1);
  });

  it('applies an event delivered again while it waits in the inbox once, in either order', async () => {
    const event = makeEvent(
      'checkout.session.completed',
      await paidLifetimeSession(stack, 'waiting-buyer'),
    );
    const { storage } = stack.running;
    // Held by another instance's claim, so it stays in the inbox while it is delivered again.
    await storage.inbox.add(event, JSON.stringify(event), Date.now());
    await storage.inbox.claim(Date.now(), 60_000, 100);

    const again = await deliver(stack, event);
    await storage.inbox.releaseAll();
    await inboxEmpty(stack);

    assert.equal(again.status, 200);
    assert.equal(again.body.outcome, 'processed');
    assert.equal(await count(stack, 'purchases', 'user_id = ?', 'waiting-buyer'), 1);
    assert.equal(await count(stack, 'payments', 'user_id = ?', 'waiting-buyer'), 1);
  });
});

describe('the webhook inbox across a restart', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tilldrop-inbox-'));
  const databasePath = join(dir, 'tilldrop.sqlite');
  const env = {
    LOCAL_STRIPE_DATABASE_PATH: join(dir, 'local-stripe.sqlite'),
    STRIPE_WEBHOOK_SECRET: 'whsec_inboxrestartsecret0123456789abcdef',
  };
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('applies at start what a killed run left queued and claimed, without waiting out its lease', async () => {
    const first = await startStack({ databasePath, env });
    const event = makeEvent(
      'checkout.session.completed',
      await paidLifetimeSession(first, 'left-buyer'),
    );
    await first.close();
    // What a run killed after answering `queued` leaves: the event in the inbox, claimed for longer
    // than the test waits.
    const storage = await openStorage({ path: databasePath });
    await storage.inbox.add(event, JSON.stringify(event), Date.now());
    assert.equal((await storage.inbox.claim(Date.now(), 3_600_000, 1)).length, 1);
    await storage.close();

    const second = await startStack({ databasePath, env });
    try {
      await inboxEmpty(second);
      assert.equal(await count(second, 'purchases', 'user_id = ?', 'left-buyer'), 1);
      assert.equal(await count(second, 'stripe_events', 'id = ?', event.id), 1);
      const entitlement = await second.running.storage.entitlements.get('left-buyer');
      assert.equal(entitlement?.source, 'lifetime');
      assert.ok(entitlement.updated_at >= nowSeconds() - 60);
    } finally {
      await second.close();
    }
  });
});
