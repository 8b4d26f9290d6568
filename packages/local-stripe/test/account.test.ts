import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness } from './support.ts';

test('GET /v1/account names one account per database, kept across restarts and resets', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'local-stripe-account-'));
  const databasePath = join(dir, 'stripe.sqlite');
  try {
    const first = await startHarness({ databasePath });
    const account = await first.stripe.accounts.retrieveCurrent();
    await first.control.reset();
    const afterReset = await first.stripe.accounts.retrieveCurrent();
    await first.close();
    const restarted = await startHarness({ databasePath });
    const afterRestart = await restarted.stripe.accounts.retrieveCurrent();
    await restarted.close();
    const other = await startHarness();
    const otherAccount = await other.stripe.accounts.retrieveCurrent();
    await other.close();

    assert.match(account.id, /^acct_\w{16}$/);
    assert.equal(account.object, 'account');
    assert.equal(afterReset.id, account.id);
    assert.equal(afterRestart.id, account.id);
    assert.notEqual(otherAccount.id, account.id);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
