// A renewal the bank wants confirmed (3D Secure): the account page sends the buyer to confirm it.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { waitFor } from '../support/wait.ts';
import { chooseBilling, paidSuccessPage, payWithCard, startCheckout } from './support/buyer.ts';
import { CARDS, startDemo, type Demo } from './support/demo.ts';

const DAY = 86_400;
const AUTHENTICATION_REQUIRED = '4000002760003184';

describe('the account page when a renewal needs the buyer', () => {
  let demo: Demo;
  before(async () => {
    demo = await startDemo();
  });
  afterEach((t) => demo.finishTest(t.name));
  after(() => demo?.close());

  it('shows "Confirm your payment" linking to the invoice page, and nothing once it is paid', async () => {
    const { stack } = demo;
    const page = await demo.buyer('ivan');
    await chooseBilling(page, 'monthly');
    await startCheckout(page, 'BASIC');
    await payWithCard(page, CARDS.paid);
    await paidSuccessPage(page);
    const subscription = await waitFor(
      async () => (await stack.running.storage.subscriptions.listForUser('ivan'))[0],
      'the subscription',
    );
    await stack.control.setCustomerCard(subscription.customer_id, AUTHENTICATION_REQUIRED);
    await stack.control.advanceClock(32 * DAY);
    const invoice = await stack.stripe.invoices.retrieve(
      (await stack.stripe.subscriptions.retrieve(subscription.id)).latest_invoice as string,
    );

    await page.goto(`${demo.url}/account`);
    const confirm = page.getByRole('link', { name: 'Confirm your payment' });
    await confirm.waitFor();
    const href = await confirm.getAttribute('href');
    await stack.control.setCustomerCard(subscription.customer_id, '4242424242424242');
    await stack.control.advanceClock(4 * DAY);
    await confirm.waitFor({ state: 'detached' });

    assert.ok(invoice.hosted_invoice_url);
    assert.equal(href, invoice.hosted_invoice_url);
    assert.equal(await page.locator('#payment-action').isHidden(), true);
  });
});
