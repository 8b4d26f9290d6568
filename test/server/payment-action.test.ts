// A renewal the bank wants the buyer to confirm (3D Secure), and subscriptions paused and resumed,
// through the local Stripe's clock and signed webhooks.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AccountResponse } from '../../shared/index.ts';
import { request, startStack, type Stack } from '../support/stack.ts';
import { waitFor } from '../support/wait.ts';

const DAY = 86_400;
const AUTHENTICATION_REQUIRED = '4000002760003184';
const PAYS = '4242424242424242';

describe('a subscription that needs its buyer', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack();
  });
  after(() => stack.close());

  async function subscribe(userId: string) {
    const token = await stack.tokenFor(userId);
    const created = await request(stack.apiUrl, 'POST', '/api/subscription/create-checkout', {
      token,
      body: { plan: 'BASIC', billing: 'monthly' },
    });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    assert.ok((await stack.control.completeSession(created.body.sessionId)).ok);
    await waitFor(() => stack.running.storage.entitlements.get(userId), 'the entitlement');
    const subscription = (await stack.running.storage.subscriptions.listForUser(userId))[0]!;
    return { token, subscription };
  }

  const accountOf = async (token: string) =>
    AccountResponse.parse(
      (await request(stack.apiUrl, 'GET', '/api/subscription', { token })).body,
    );

  /** Every webhook sent so far has been answered 200. */
  const allDelivered = () =>
    waitFor(
      async () =>
        (await stack.control.listDeliveries()).every((d) => d.status === 'succeeded') || false,
      'every webhook delivered',
    );

  it('asks the buyer to confirm a renewal that needs 3D Secure, with the invoice page, until it is paid', async () => {
    const { token, subscription } = await subscribe('three-ds');
    await stack.control.setCustomerCard(subscription.customer_id, AUTHENTICATION_REQUIRED);

    await stack.control.advanceClock(32 * DAY);
    // The invoice's event and the subscription's arrive separately; wait for both to be applied.
    const waiting = await waitFor(async () => {
      const account = await accountOf(token);
      return account.paymentAction && account.subscription?.status !== 'active' ? account : false;
    }, 'the payment action');
    const invoiceId = (await stack.stripe.subscriptions.retrieve(subscription.id))
      .latest_invoice as string;
    const invoice = await stack.stripe.invoices.retrieve(invoiceId);
    await stack.control.setCustomerCard(subscription.customer_id, PAYS);
    await stack.control.advanceClock(4 * DAY);
    const paid = await waitFor(async () => {
      const account = await accountOf(token);
      return account.paymentAction === null && account.subscription?.status === 'active'
        ? account
        : false;
    }, 'the action to clear');
    const payments = await request(stack.apiUrl, 'GET', '/api/payments', { token });

    assert.ok(invoice.hosted_invoice_url);
    assert.deepEqual(waiting.paymentAction, {
      type: 'confirm_payment',
      url: invoice.hosted_invoice_url,
    });
    assert.equal(waiting.subscription?.status, 'past_due');
    assert.equal(paid.subscription?.status, 'active');
    assert.equal(payments.body.data[0].id, invoice.id);
    assert.equal(payments.body.data[0].status, 'paid');
  });

  it('asks the same once, whatever order and however often the renewal events arrive', async () => {
    const { token, subscription } = await subscribe('three-ds-shuffled');
    await stack.control.setCustomerCard(subscription.customer_id, AUTHENTICATION_REQUIRED);

    await stack.control.holdWebhooks(true);
    try {
      await stack.control.advanceClock(32 * DAY);
    } finally {
      await stack.control.holdWebhooks(false);
      await stack.control.deliverPending({ shuffle: true, duplicate: true });
    }
    await allDelivered();
    const account = await accountOf(token);
    const invoiceId = (await stack.stripe.subscriptions.retrieve(subscription.id))
      .latest_invoice as string;
    const invoice = await stack.stripe.invoices.retrieve(invoiceId);
    const payments = await request(stack.apiUrl, 'GET', '/api/payments', { token });

    assert.equal(account.paymentAction?.url, invoice.hosted_invoice_url);
    assert.equal(account.subscription?.status, 'past_due');
    assert.equal(payments.body.data[0].id, invoice.id);
    assert.equal(payments.body.data[0].status, 'requires_action');
  });

  it('takes access away while the subscription is paused, and gives it back when it resumes', async () => {
    const { token, subscription } = await subscribe('pauser');

    await stack.control.pauseSubscription(subscription.id);
    const paused = await waitFor(async () => {
      const account = await accountOf(token);
      return account.subscription?.status === 'paused' && account;
    }, 'the pause');
    const entitlementWhilePaused = await stack.running.storage.entitlements.get('pauser');
    await stack.stripe.subscriptions.resume(subscription.id);
    const resumed = await waitFor(async () => {
      const account = await accountOf(token);
      return account.subscription?.status === 'active' && account;
    }, 'the resumption');

    assert.equal(paused.entitlement, null);
    assert.equal(entitlementWhilePaused, undefined);
    assert.equal(paused.subscription?.renewsAt, null, 'a paused subscription does not renew');
    assert.deepEqual(resumed.entitlement, {
      plan: 'BASIC',
      billing: 'monthly',
      source: 'subscription',
      status: 'active',
      trialEndsAt: null,
    });
    assert.ok(resumed.subscription?.renewsAt);
  });

  it('ends paused or resumed the same, whatever order and however often the events arrive', async () => {
    for (const ending of ['paused', 'active'] as const) {
      const userId = `pause-shuffled-${ending}`;
      const { subscription } = await subscribe(userId);

      await stack.control.holdWebhooks(true);
      try {
        await stack.stripe.subscriptions.pause(subscription.id);
        if (ending === 'active') await stack.stripe.subscriptions.resume(subscription.id);
      } finally {
        await stack.control.holdWebhooks(false);
        await stack.control.deliverPending({ shuffle: true, duplicate: true });
      }
      await allDelivered();

      assert.equal(
        (await stack.running.storage.subscriptions.find(subscription.id))?.status,
        ending,
      );
      assert.equal(
        (await stack.running.storage.entitlements.get(userId))?.status,
        ending === 'active' ? 'active' : undefined,
      );
    }
  });
});
