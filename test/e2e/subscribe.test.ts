// Subscribing on the demo pricing page in Chromium, both ways: "Pay here" (widget → API → Stripe's
// embedded checkout in the overlay → checkout-complete, the page staying) and "Pay on Stripe"
// (widget → API → hosted payment page → webhook → entitlement → success page).
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { count } from '../support/events.ts';
import {
  chooseBilling,
  facts,
  paidSuccessPage,
  payHere,
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

  it('pays for PRO annual with ANNUAL50 under "Pay here", in the overlay: the page stays and checkout-complete comes once the purchase is recorded', async () => {
    const page = await demo.buyer('alice');
    await chooseBilling(page, 'annual');
    const pageUrl = page.url();

    const verdict = await typePromotionCode(page, 'PRO', 'ANNUAL50');
    const overlay = await payHere(page, 'PRO');
    const checkoutTotal = await text(overlay.frame.getByText('Total due today').locator('..'));
    await payWithCard(overlay.frame, CARDS.paid);
    const complete = await overlay.completed();
    const notice = await text(page.locator('#current-plan'));
    const urlAfterPaying = page.url();

    assert.equal(verdict.valid, true, verdict.message);
    assert.ok(
      overlay.frameUrl.startsWith(`${demo.stack.localStripeUrl}/c/embedded/${overlay.sessionId}`),
      overlay.frameUrl,
    );
    assert.match(checkoutTotal, /\$95\.00/);
    assert.equal(complete.sessionId, overlay.sessionId);
    assert.equal(complete.entitlement.plan, 'PRO');
    assert.equal(complete.entitlement.billing, 'annual');
    assert.equal(urlAfterPaying, pageUrl);
    assert.match(notice, /^Thank you! Alice now has Pro, billed yearly\./);
    assert.equal(await count(demo.stack, 'entitlements', "user_id = 'alice' AND plan = 'PRO'"), 1);
    assert.equal(
      await count(
        demo.stack,
        'payments',
        "user_id = 'alice' AND amount = 9500 AND status = 'paid'",
      ),
      1,
    );
  });

  it('shows the page as the buyer’s once the paid overlay is closed: the plan held, and only "Manage subscription" on its card', async () => {
    const page = await demo.buyer('erin');
    await chooseBilling(page, 'monthly');
    const overlay = await payHere(page, 'BASIC');
    await payWithCard(overlay.frame, CARDS.paid);
    await overlay.completed();

    await Promise.all([
      page.waitForEvent('load'),
      page.locator('checkout-dialog').getByRole('button', { name: 'Close checkout' }).click(),
    ]);
    await page.locator('#current-plan').waitFor();
    const manage = widgetFor(page, 'BASIC').getByRole('button', { name: 'Manage subscription' });
    await manage.waitFor();

    assert.match(
      await text(page.locator('#current-plan')),
      /^Erin already has Basic, billed monthly/,
    );
    assert.equal(await widgetFor(page, 'BASIC', 'here').isVisible(), false);
    assert.equal(new URL(page.url()).searchParams.get('billing'), 'monthly');
  });

  it('takes a buyer to Stripe’s page under "Pay on Stripe" and back to the success page', async () => {
    const page = await demo.buyer('frank');
    await chooseBilling(page, 'annual');

    const sessionId = await startCheckout(page, 'PRO');
    const checkoutTotal = await text(page.getByText('Total due today').locator('..'));
    await payWithCard(page, CARDS.paid);
    const success = await paidSuccessPage(page);

    assert.match(checkoutTotal, /\$190\.00/);
    assert.equal(success.summary, 'PRO · annual · active');
    assert.equal(success.facts['Amount paid'], '$190.00');
    assert.equal(new URL(page.url()).searchParams.get('session_id'), sessionId);
    assert.equal(await count(demo.stack, 'entitlements', "user_id = 'frank' AND plan = 'PRO'"), 1);
  });

  it('offers a PRO annual subscriber "Manage subscription" on the Pro card, which opens the billing portal', async () => {
    const page = await demo.buyer('carol');
    await chooseBilling(page, 'annual');
    await startCheckout(page, 'PRO');
    await payWithCard(page, CARDS.paid);
    await paidSuccessPage(page);
    await page.goto(`${demo.url}/?billing=annual`);
    await switchBuyer(page, 'bob');
    const noticeForBob = await page.locator('#current-plan').isVisible();

    await switchBuyer(page, 'carol');
    const notice = await text(page.locator('#current-plan'));
    const payHereShown = await widgetFor(page, 'PRO', 'here').isVisible();
    const manage = widgetFor(page, 'PRO').getByRole('button', { name: 'Manage subscription' });
    await manage.click();
    await page.waitForURL(/\/p\/session\//);

    assert.equal(noticeForBob, false);
    assert.match(notice, /^Carol already has Pro, billed yearly/);
    assert.equal(payHereShown, false);
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
