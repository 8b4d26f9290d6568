// Changing plans in the browser: the pricing page's button for another plan opens Stripe's portal
// page confirming that change, and the account page shows the result.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import {
  chooseBilling,
  paidSuccessPage,
  payWithCard,
  startCheckout,
  text,
  widgetFor,
} from './support/buyer.ts';
import { CARDS, startDemo, type Demo } from './support/demo.ts';
import type { Page } from 'playwright-core';

describe('changing plans from the pricing page', () => {
  let demo: Demo;
  before(async () => {
    demo = await startDemo();
  });
  afterEach((t) => demo.finishTest(t.name));
  after(() => demo?.close());

  async function subscribed(userId: string, plan: 'BASIC' | 'PRO'): Promise<Page> {
    const page = await demo.buyer(userId);
    await chooseBilling(page, 'monthly');
    await startCheckout(page, plan);
    await payWithCard(page, CARDS.paid);
    await paidSuccessPage(page);
    await page.goto(`${demo.url}/`);
    await chooseBilling(page, 'monthly');
    return page;
  }

  /** Clicks another plan's button: the portal's confirmation page, not a second checkout. */
  async function openChange(page: Page, plan: 'BASIC' | 'PRO'): Promise<void> {
    await widgetFor(page, plan)
      .getByRole('button', { name: /^(Subscribe|Buy|Switch)/ })
      .click();
    await page.waitForURL(/\/p\/session\/bps_/);
    await page.getByRole('heading', { name: 'Confirm your new plan' }).waitFor();
  }

  it('upgrades BASIC to PRO after showing the prorated amount, with one subscription and one proration', async () => {
    const page = await subscribed('ivan', 'BASIC');

    await openChange(page, 'PRO');
    const confirmation = await text(page.locator('main'));
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.waitForURL(/\/account$/);
    const plan = page.locator('#plan');
    await plan.getByText(/PRO · monthly/).waitFor();
    const payments = await (await page.request.get(`${demo.url}/api/payments`)).json();

    assert.match(confirmation, /New plan Pro, \$19\.00 per month/);
    assert.match(confirmation, /Amount due today \$\d+\.\d\d/);
    assert.equal(payments.data.length, 2);
    const customer = (await demo.stack.running.storage.customers.customerIdFor('ivan'))!;
    assert.equal((await demo.stack.stripe.subscriptions.list({ customer })).data.length, 1);
  });

  it('schedules PRO to BASIC for the renewal, and the account page says when it switches', async () => {
    const page = await subscribed('judy', 'PRO');

    await openChange(page, 'BASIC');
    const confirmation = await text(page.locator('main'));
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.waitForURL(/\/account$/);
    const plan = page.locator('#plan');
    await plan.getByText(/^Switches to BASIC on/).waitFor();

    assert.match(confirmation, /Your plan changes on .+; you keep your current plan until then/);
    assert.match(await text(plan), /PRO · monthly/);
  });
});
