// Leaving the payment page without paying: going back to the site, or leaving a session open until
// it expires. Neither may charge or grant anything.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { count } from '../support/events.ts';
import { chooseBilling, startCheckout, text } from './support/buyer.ts';
import { startDemo, type Demo } from './support/demo.ts';

describe('leaving checkout without paying', () => {
  let demo: Demo;
  before(async () => {
    demo = await startDemo();
  });
  afterEach((t) => demo.finishTest(t.name));
  after(() => demo?.close());

  it('goes back from the payment page to the cancel page, with nothing charged or granted', async () => {
    const page = await demo.buyer('frank');
    await chooseBilling(page, 'monthly');
    await startCheckout(page, 'PRO');

    await page.getByRole('link', { name: 'Back' }).click();
    await page.waitForURL(/\/subscription\?canceled=true$/);
    const heading = await text(page.getByRole('heading', { level: 1 }));
    const account = await page.request.get(`${demo.url}/api/subscription`);

    assert.equal(heading, 'Checkout canceled, nothing was charged');
    assert.equal((await account.json()).entitlement, null);
    assert.equal(await count(demo.stack, 'payments', "user_id = 'frank'"), 0);
    assert.equal(await count(demo.stack, 'subscriptions', "user_id = 'frank'"), 0);
    assert.equal(
      await count(
        demo.stack,
        'checkout_sessions',
        "user_id = 'frank' AND fulfilled_at IS NOT NULL",
      ),
      0,
    );
  });

  it('shows a session left open past its expiry as expired on the success page', async () => {
    const page = await demo.buyer('grace');
    await chooseBilling(page, 'annual');
    const sessionId = await startCheckout(page, 'BASIC');

    await demo.stack.control.advanceClock(25 * 60 * 60);
    await page.reload();
    const hosted = await text(page.getByRole('heading', { level: 1 }));
    await page.goto(`${demo.url}/subscription/success?session_id=${encodeURIComponent(sessionId)}`);
    await page.locator('#result[data-state="expired"]').waitFor();
    const title = await text(page.locator('#result-title'));

    assert.match(hosted, /expired/i);
    assert.equal(title, 'This checkout expired');
    assert.equal(
      await count(demo.stack, 'checkout_sessions', "id = ? AND status = 'expired'", sessionId),
      1,
    );
    assert.equal(await count(demo.stack, 'payments', "user_id = 'grace'"), 0);
  });
});
