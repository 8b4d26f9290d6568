// The demo's free trial in Chromium: started without a card, shown on the account page, ended by
// the local Stripe's clock, and never offered twice.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { waitFor } from '../support/wait.ts';
import { paidSuccessPage, payWithCard, text } from './support/buyer.ts';
import { CARDS, startDemo, type Demo } from './support/demo.ts';

/** The README's clock command: fourteen days. */
const TRIAL_SECONDS = 1_209_600;

const longDate = (unix: number) =>
  new Date(unix * 1000).toLocaleDateString('en-US', { dateStyle: 'long', timeZone: 'UTC' });

describe('the demo’s free trial', () => {
  let demo: Demo;
  before(async () => {
    demo = await startDemo();
  });
  afterEach((t) => demo.finishTest(t.name));
  after(() => demo?.close());

  it('starts Pro free for 14 days without a card, shows when it ends, ends it with its access, then sells Pro at its price', async () => {
    const page = await demo.buyer('tina');
    const trialCard = page.locator('.plan[data-plan-id="plan_pro_trial"] checkout-button');
    await trialCard.getByRole('button', { name: 'Start 14-day free trial' }).click();
    await page.waitForURL(/\/c\/pay\/cs_/);
    const hosted = await text(page.locator('main, section').first());
    const cardFields = await page.locator('input[name="cardNumber"]').count();
    const email = page.locator('input[name="email"]');
    if ((await email.getAttribute('readonly')) === null) await email.fill('tina@example.com');
    await page.getByRole('button', { name: 'Start trial' }).click();
    const success = await paidSuccessPage(page);
    const stored = await waitFor(
      async () => (await demo.stack.running.storage.subscriptions.listForUser('tina'))[0],
      'the trial',
    );
    await page.goto(`${demo.url}/account`);
    const plan = page.locator('#plan');
    await plan.getByText(/^Trial ends on/).waitFor();
    const during = await text(plan);

    await demo.stack.control.advanceClock(TRIAL_SECONDS);
    await waitFor(
      async () =>
        (await demo.stack.running.storage.subscriptions.find(stored.id))?.status === 'canceled',
      'the end of the trial',
    );
    await page.reload();
    await plan.getByText('No plan yet').waitFor();
    const ended = await text(plan);
    await page.goto(`${demo.url}/`);
    const paidButton = trialCard.getByRole('button', { name: /^Subscribe to PRO/ });
    const label = await text(paidButton);
    await paidButton.click();
    await page.waitForURL(/\/c\/pay\/cs_/);
    const secondPage = await text(page.locator('body'));
    await payWithCard(page, CARDS.paid);
    const second = await paidSuccessPage(page);

    assert.match(hosted, /14 days free/);
    assert.equal(cardFields, 0);
    assert.equal(success.summary, 'PRO · monthly · trialing');
    assert.equal(success.facts['Amount paid'], '$0.00');
    assert.equal(success.facts['Trial ends on'], longDate(stored.trial_end!));
    assert.match(during, new RegExp(`Trial ends on ${longDate(stored.trial_end!)}`));
    assert.match(during, /trialing/i);
    assert.match(ended, /Your Pro subscription is canceled/);
    assert.equal(label, 'Subscribe to PRO, $19/month');
    assert.doesNotMatch(secondPage, /days free|Start trial/);
    assert.equal(second.summary, 'PRO · monthly · active');
    assert.equal(second.facts['Amount paid'], '$19.00');
  });
});
