// The weekly pass and the one-time lifetime purchase, bought on the demo pricing page in Chromium.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { count } from '../support/events.ts';
import { paidSuccessPage, payWithCard, startCheckout, text } from './support/buyer.ts';
import { CARDS, startDemo, type Demo } from './support/demo.ts';

describe('buying the weekly pass and lifetime access', () => {
  let demo: Demo;
  before(async () => {
    demo = await startDemo();
  });
  afterEach((t) => demo.finishTest(t.name));
  after(() => demo?.close());

  it('subscribes to the weekly pass and shows it active with its first week paid', async () => {
    const page = await demo.buyer('dave');

    await startCheckout(page, 'weekly');
    await payWithCard(page, CARDS.paid);
    const success = await paidSuccessPage(page);

    assert.equal(success.summary, 'Weekly pass · active');
    assert.equal(success.facts['Amount paid'], '$4.99');
    assert.ok(success.facts['Renews on'], 'a weekly pass renews');
    assert.equal(
      await count(demo.stack, 'subscriptions', "user_id = 'dave' AND status = 'active'"),
      1,
    );
  });

  it('buys lifetime access once and lists the payment on the account page', async () => {
    const page = await demo.buyer('erin');

    await startCheckout(page, 'one-time');
    await payWithCard(page, CARDS.paid);
    const success = await paidSuccessPage(page);
    await page.getByRole('link', { name: 'Go to your account' }).click();
    const plan = page.locator('#plan');
    await plan.getByText('Lifetime access').waitFor();
    const history = page.locator('#payments tbody tr');
    await history.first().waitFor();

    assert.equal(success.summary, 'Lifetime access · active');
    assert.equal(success.facts['Amount paid'], '$149.00');
    assert.match(await text(plan), /never renews/);
    assert.equal(await history.count(), 1);
    assert.match(await text(history.first()), /Lifetime access \$149\.00 Paid$/);
    assert.equal(await count(demo.stack, 'purchases', "user_id = 'erin' AND status = 'paid'"), 1);
  });
});
