// A buyer's subscriptions, newest at Stripe first: in a tie of whole seconds, the live one leads,
// whatever order their events were applied in (an inbox may apply the ended one's last).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openStorage, type Storage } from '../../server/storage/index.ts';
import type { StoredSubscription } from '../../server/storage/subscriptions.ts';
import { freshPostgresDatabase, testDialect } from '../support/postgres.ts';

const subscription = (
  id: string,
  status: StoredSubscription['status'],
  updatedAt: number,
): StoredSubscription => ({
  id,
  user_id: 'resubscriber',
  customer_id: 'cus_resubscriber',
  catalog_id: 'PRO_monthly',
  plan: 'PRO',
  billing: 'monthly',
  price_id: 'price_pro_monthly',
  status,
  cancel_at_period_end: 0,
  current_period_start: 1_700_000_000,
  current_period_end: 1_702_592_000,
  canceled_at: status === 'canceled' ? 1_700_000_000 : null,
  ended_at: status === 'canceled' ? 1_700_000_000 : null,
  scheduled_plan: null,
  scheduled_billing: null,
  scheduled_at: null,
  trial_end: null,
  stripe_updated_at: 1_700_000_000,
  updated_at: updatedAt,
});

describe("a buyer's subscriptions", () => {
  const dir = mkdtempSync(join(tmpdir(), 'tilldrop-order-'));
  let storage: Storage;
  before(async () => {
    const url = testDialect === 'postgres' ? await freshPostgresDatabase() : undefined;
    storage = await openStorage({ url, path: join(dir, 'tilldrop.sqlite') });
  });
  after(async () => {
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lead with the live one when it and an ended one changed in the same second at Stripe', async () => {
    await storage.subscriptions.save(subscription('sub_new', 'active', 1_700_000_010));
    await storage.subscriptions.save(subscription('sub_trial_ended', 'canceled', 1_700_000_020));

    const [current] = await storage.subscriptions.listForUser('resubscriber');

    assert.equal(current?.id, 'sub_new');
  });
});
