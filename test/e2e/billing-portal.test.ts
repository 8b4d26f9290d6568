// Managing a subscription: the account page, the billing portal and back.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import {
  chooseBilling,
  paidSuccessPage,
  payWithCard,
  startCheckout,
  text,
} from './support/buyer.ts';
import { CARDS, startDemo, type Demo } from './support/demo.ts';

describe('the account page and the billing portal', () => {
  let demo: Demo;
  before(async () => {
    demo = await startDemo();
  });
  afterEach((t) => demo.finishTest(t.name));
  after(() => demo?.close());

  it('cancels at period end in the billing portal and the account page says when it ends', async () => {
    const page = await demo.buyer('heidi');
    await chooseBilling(page, 'monthly');
    await startCheckout(page, 'PRO');
    await payWithCard(page, CARDS.paid);
    await paidSuccessPage(page);
    await page.goto(`${demo.url}/account`);
    const plan = page.locator('#plan');
    await plan.getByText(/^Renews on/).waitFor();

    await plan.getByRole('button', { name: 'Manage subscription' }).click();
    await page.waitForURL(/\/p\/session\//);
    await page.getByRole('button', { name: 'Cancel plan' }).click();
    await page.getByText(/^Cancels on/).waitFor();
    await page.getByRole('link', { name: /^Return to/ }).click();
    await page.waitForURL(/\/account$/);
    await plan.getByText(/^Cancels on/).waitFor();

    assert.match(await text(plan), /PRO · monthly/);
    assert.doesNotMatch(await text(plan), /Renews on/);
    const account = await (await page.request.get(`${demo.url}/api/subscription`)).json();
    assert.equal(account.subscription.cancelAtPeriodEnd, true);
    assert.equal(account.entitlement.plan, 'PRO');
  });
});
