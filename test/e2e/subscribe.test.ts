// Subscribing on the demo pricing page in Chromium: widget → API → hosted payment page →
// webhook → entitlement → success page.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { count } from '../support/events.ts';
import {
  chooseBilling,
  facts,
  paidSuccessPage,
  payWithCard,
  startCheckout,
  switchBuyer,
  text,
  typePromotionCode,
  widgetFor,
} from './support/buyer.ts';
import { CARDS, startDemo, type Demo } from './support/demo.ts';

describe('subscribing from the demo pricing page', () => {
  let demo: Demo;
  before(async () => {
    demo = await startDemo();
  });
  afterEach((t) => demo.finishTest(t.name));
  after(() => demo?.close());

  it('subscribes to PRO annual with ANNUAL50 and shows it active at the discounted price', async () => {
    const page = await demo.buyer('alice');
    await chooseBilling(page, 'annual');

    const verdict = await typePromotionCode(page, 'PRO', 'ANNUAL50');
    const sessionId = await startCheckout(page, 'PRO');
    const checkoutTotal = await text(page.getByText('Total due today').locator('..'));
    await payWithCard(page, CARDS.paid);
    const success = await paidSuccessPage(page);

    assert.equal(verdict.valid, true, verdict.message);
    assert.match(checkoutTotal, /\$95\.00/);
    assert.equal(success.summary, 'PRO · annual · active');
    assert.equal(success.facts['Amount paid'], '$190.00 $95.00');
    assert.equal(new URL(page.url()).searchParams.get('session_id'), sessionId);
    assert.equal(await count(demo.stack, 'entitlements', "user_id = 'alice' AND plan = 'PRO'"), 1);
  });

  it('shows a PRO annual subscriber their plan as current, with a manage button that opens the portal', async () => {
    const page = await demo.buyer('carol');
    await chooseBilling(page, 'annual');
    await startCheckout(page, 'PRO');
    await payWithCard(page, CARDS.paid);
    await paidSuccessPage(page);
    await page.goto(`${demo.url}/?billing=annual`);
    await switchBuyer(page, 'bob');
    const noticeForBob = await page.locator('#current-plan').isVisible();
    const bobsButton = await text(widgetFor(page, 'PRO').getByRole('button'));

    await switchBuyer(page, 'carol');
    const notice = await text(page.locator('#current-plan'));
    const widget = widgetFor(page, 'PRO');
    const current = await text(widget.getByText('Current plan'));
    await widget.getByRole('button', { name: 'Manage subscription' }).click();
    await page.waitForURL(/\/p\/session\//);

    assert.equal(noticeForBob, false);
    assert.match(bobsButton, /^Subscribe to PRO/);
    assert.match(notice, /^Carol already has Pro, billed yearly/);
    assert.equal(current, 'Current plan');
    assert.equal(await count(demo.stack, 'checkout_sessions', "user_id = 'carol'"), 1);
  });

  it('takes a declined card, then a good one, and shows the subscription active', async () => {
    const page = await demo.buyer('ivan');
    await chooseBilling(page, 'monthly');
    await startCheckout(page, 'BASIC');

    await payWithCard(page, CARDS.declined);
    const decline = await text(page.getByRole('alert').first());
    await payWithCard(page, CARDS.paid);
    const success = await paidSuccessPage(page);

    assert.match(decline, /declined/i);
    assert.equal(success.summary, 'BASIC · monthly · active');
    assert.equal(success.facts['Amount paid'], '$9.00');
    assert.equal(await count(demo.stack, 'payments', "user_id = 'ivan' AND status = 'paid'"), 1);
  });

  it('shows the purchase and the amount paid before its webhooks arrive', async () => {
    const page = await demo.buyer('judy');
    await chooseBilling(page, 'monthly');
    await startCheckout(page, 'PRO');
    await demo.stack.control.holdWebhooks(true);

    let early: Record<string, string>;
    try {
      await payWithCard(page, CARDS.paid);
      await page.locator('#result[data-state="paid"]').waitFor();
      early = await facts(page);
    } finally {
      await demo.stack.control.holdWebhooks(false);
    }
    await demo.stack.control.deliverPending();
    const success = await paidSuccessPage(page);

    assert.equal(early.Status, 'Active');
    assert.equal(early['Amount paid'], '$19.00');
    assert.equal(success.summary, 'PRO · monthly · active');
    assert.equal(success.facts['Amount paid'], '$19.00');
  });
});
