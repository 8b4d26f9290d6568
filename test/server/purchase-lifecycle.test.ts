// The whole loop through the local Stripe: checkout → payment → signed webhooks → state.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AccountResponse, PaymentsResponse } from '../../shared/index.ts';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { request, startStack, type Stack } from '../support/stack.ts';
import { waitFor } from '../support/wait.ts';

describe('a purchase from checkout to entitlement', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({ env: { SERVER_API_KEY: 'server-key-for-the-tests-0123456789' } });
  });
  after(() => stack.close());

  async function subscribe(userId: string, body: object = { plan: 'PRO', billing: 'annual' }) {
    const token = await stack.tokenFor(userId);
    const created = await request(stack.apiUrl, 'POST', '/api/subscription/create-checkout', {
      token,
      body,
    });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    const paid = await stack.control.completeSession(created.body.sessionId);
    assert.ok(paid.ok);
    return { token, sessionId: created.body.sessionId as string };
  }
  const entitlementOf = (userId: string) => stack.running.storage.entitlements.get(userId);

  it('grants PRO annual once the signed webhooks arrive', async () => {
    const { token } = await subscribe('life-pro');

    const entitlement = await waitFor(() => entitlementOf('life-pro'), 'the entitlement');
    const account = AccountResponse.parse(
      (await request(stack.apiUrl, 'GET', '/api/subscription', { token })).body,
    );

    assert.equal(entitlement.plan, 'PRO');
    assert.equal(entitlement.billing, 'annual');
    assert.equal(account.subscription?.status, 'active');
    assert.equal(account.subscription?.cancelAtPeriodEnd, false);
    assert.ok(account.subscription?.renewsAt);
  });

  it('answers 409 in all three dialects once the plan is owned, and another plan with the portal', async () => {
    const { token } = await subscribe('owner-409', { plan: 'BASIC' });
    await waitFor(() => entitlementOf('owner-409'), 'the entitlement');

    const again = await request(stack.apiUrl, 'POST', '/api/subscription/create-checkout', {
      token,
      body: { plan: 'BASIC', billing: 'monthly' },
    });
    const generic = await request(stack.apiUrl, 'POST', '/payment/checkout', {
      token,
      body: { planId: 'plan_basic' },
    });
    const other = await request(stack.apiUrl, 'POST', '/api/subscription/create-checkout', {
      token,
      body: { plan: 'PRO' },
    });

    assert.equal(again.status, 409);
    assert.deepEqual(again.body, {
      error: 'Conflict',
      message: 'You are already subscribed to this plan',
      code: 'already_subscribed',
    });
    assert.equal(generic.status, 409);
    assert.deepEqual(generic.body, {
      success: false,
      message: 'You are already subscribed to this plan',
      code: 'already_subscribed',
    });
    // Another plan is changed in place, on the portal page confirming it, never bought twice.
    assert.equal(other.status, 200);
    assert.match(other.body.sessionId, /^bps_/);
    assert.match(other.body.url, /\/p\/session\/bps_/);
  });

  it('answers 409 for a second lifetime purchase in the weekly/one-time dialect', async () => {
    const token = await stack.tokenFor('lifer');
    const created = await request(stack.apiUrl, 'POST', '/api/create-checkout-session', {
      token,
      body: { userId: 'lifer', planId: 'one-time' },
    });
    await stack.control.completeSession(created.body.sessionId);
    await waitFor(() => entitlementOf('lifer'), 'lifetime access');

    const again = await request(stack.apiUrl, 'POST', '/api/create-checkout-session', {
      token,
      body: { userId: 'lifer', planId: 'one-time' },
    });

    assert.equal((await entitlementOf('lifer'))?.source, 'lifetime');
    assert.equal(again.status, 409);
    assert.deepEqual(again.body, {
      error: 'You are already subscribed to this plan',
      code: 'already_subscribed',
    });
  });

  it('reuses an open session for the same buyer and price instead of making another', async () => {
    const token = await stack.tokenFor('reuser');

    const first = await request(stack.apiUrl, 'POST', '/payment/checkout', {
      token,
      body: { planId: 'weekly' },
    });
    const second = await request(stack.apiUrl, 'POST', '/payment/checkout', {
      token,
      body: { planId: 'weekly' },
    });

    assert.equal(first.body.data.checkoutId, second.body.data.checkoutId);
  });

  it('keeps one open checkout per buyer, so two tabs cannot buy twice', async () => {
    const token = await stack.tokenFor('two-tabs');
    const monthly = await request(stack.apiUrl, 'POST', '/payment/checkout', {
      token,
      body: { planId: 'plan_professional' },
    });

    const annual = await request(stack.apiUrl, 'POST', '/payment/checkout', {
      token,
      body: { planId: 'plan_professional_annual' },
    });
    const payFirst = await stack.control.completeSession(monthly.body.data.checkoutId);

    assert.equal(annual.status, 200);
    assert.equal(
      (await stack.stripe.checkout.sessions.retrieve(monthly.body.data.checkoutId)).status,
      'expired',
    );
    assert.equal(payFirst.ok, false);
  });

  it('sends a buyer whose other open checkout was paid before its webhook arrived to change plans, not buy twice', async () => {
    const token = await stack.tokenFor('paid-elsewhere');
    await stack.control.holdWebhooks(true);
    try {
      const first = await request(stack.apiUrl, 'POST', '/payment/checkout', {
        token,
        body: { planId: 'plan_basic' },
      });
      await stack.control.completeSession(first.body.data.checkoutId);

      const second = await request(stack.apiUrl, 'POST', '/payment/checkout', {
        token,
        body: { planId: 'plan_basic_annual' },
      });

      assert.equal(second.status, 200);
      assert.match(second.body.data.checkoutId, /^bps_/);
      assert.equal((await entitlementOf('paid-elsewhere'))?.plan, 'BASIC');
      const customer = (await stack.running.storage.customers.customerIdFor('paid-elsewhere'))!;
      assert.equal((await stack.stripe.subscriptions.list({ customer })).data.length, 1);
    } finally {
      await stack.control.holdWebhooks(false);
      await stack.control.deliverPending();
    }
  });

  it('answers two simultaneous clicks without an Idempotency-Key with one session', async () => {
    const token = await stack.tokenFor('double-click');
    const click = () =>
      request(stack.apiUrl, 'POST', '/payment/checkout', { token, body: { planId: 'plan_basic' } });

    const [a, b] = await Promise.all([click(), click()]);

    assert.equal(a.body.data.checkoutId, b.body.data.checkoutId);
  });

  it('refuses an Idempotency-Key reused for another plan or after its checkout closed', async () => {
    const token = await stack.tokenFor('key-reuser');
    const send = (planId: string) =>
      request(stack.apiUrl, 'POST', '/payment/checkout', {
        token,
        body: { planId },
        headers: { 'Idempotency-Key': 'key-1' },
      });
    const first = await send('weekly');

    const otherPlan = await send('one-time');
    await stack.stripe.checkout.sessions.expire(first.body.data.checkoutId);
    await waitFor(
      async () =>
        (await stack.running.storage.sessions.find(first.body.data.checkoutId))?.status ===
        'expired',
      'the expiry',
    );
    const afterExpiry = await send('weekly');

    assert.equal(otherPlan.status, 400);
    assert.equal(
      otherPlan.body.message,
      'This Idempotency-Key was already used for a checkout of another plan',
    );
    assert.equal(afterExpiry.status, 400);
    assert.match(afterExpiry.body.message, /no longer open; retry with a new key/);
  });

  it('shows a paid session as fulfilled on the success page before its webhook arrives', async () => {
    await stack.control.holdWebhooks(true);
    let sessionId = '';
    let fulfilledAt: number | null | undefined;
    try {
      const token = await stack.tokenFor('early-bird');
      const created = await request(stack.apiUrl, 'POST', '/payment/checkout', {
        token,
        body: { planId: 'plan_professional' },
      });
      await stack.control.completeSession(created.body.data.checkoutId);

      const state = await request(
        stack.apiUrl,
        'GET',
        `/payment/checkout/${created.body.data.checkoutId}`,
        { token },
      );

      assert.equal(state.body.data.status, 'complete');
      assert.equal(state.body.data.fulfilled, true);
      assert.equal(state.body.data.checkoutUrl, null);
      assert.deepEqual(
        [state.body.data.currency, state.body.data.amountSubtotal, state.body.data.amountTotal],
        ['usd', 1900, 1900],
      );
      assert.equal((await entitlementOf('early-bird'))?.plan, 'PRO');
      sessionId = created.body.data.checkoutId;
      fulfilledAt = (await stack.running.storage.sessions.find(sessionId))?.fulfilled_at;
    } finally {
      await stack.control.holdWebhooks(false);
      await stack.control.deliverPending();
    }
    // The late webhooks (delivered by now) change nothing: the same grant, one subscription.
    const deliveries = await stack.control.listDeliveries();
    assert.ok(deliveries.every((delivery) => delivery.status === 'succeeded'));
    assert.equal((await stack.running.storage.sessions.find(sessionId))?.fulfilled_at, fulfilledAt);
    const rows = (await stack.running.storage.db
      .prepare('SELECT COUNT(*) AS n FROM subscriptions WHERE user_id = ?')
      .get('early-bird')) as { n: number };
    assert.equal(rows.n, 1);
    assert.equal((await entitlementOf('early-bird'))?.plan, 'PRO');
  });

  it('applies shuffled and duplicated deliveries to the same final state', async () => {
    await stack.control.holdWebhooks(true);
    const { sessionId } = await subscribe('shuffled', { plan: 'BASIC', billing: 'annual' });
    await stack.control.holdWebhooks(false);

    await stack.control.deliverPending({ shuffle: true, duplicate: true });

    const entitlement = await waitFor(() => entitlementOf('shuffled'), 'the entitlement');
    assert.equal(entitlement.plan, 'BASIC');
    assert.equal(entitlement.status, 'active');
    assert.equal((await stack.running.storage.sessions.find(sessionId))?.status, 'complete');
  });

  it('lists the payment history newest first, one page at a time', async () => {
    const { token } = await subscribe('payer', { plan: 'PRO' });
    await waitFor(() => entitlementOf('payer'), 'the entitlement');
    await request(stack.apiUrl, 'POST', '/api/create-checkout-session', {
      token,
      body: { userId: 'payer', planId: 'one-time' },
    }).then((r) => stack.control.completeSession(r.body.sessionId));
    await waitFor(
      async () => (await entitlementOf('payer'))?.source === 'lifetime',
      'lifetime access',
    );

    const first = PaymentsResponse.parse(
      (await request(stack.apiUrl, 'GET', '/api/payments?limit=1', { token })).body,
    );
    const second = PaymentsResponse.parse(
      (
        await request(
          stack.apiUrl,
          'GET',
          `/api/payments?limit=1&starting_after=${first.data[0]!.id}`,
          { token },
        )
      ).body,
    );

    assert.equal(first.data.length, 1);
    assert.equal(first.hasMore, true);
    assert.equal(second.data.length, 1);
    assert.notEqual(first.data[0]!.id, second.data[0]!.id);
    assert.ok(first.data[0]!.createdAt >= second.data[0]!.createdAt);
    assert.deepEqual([first.data[0]!.status, second.data[0]!.status], ['paid', 'paid']);
  });

  it('opens the billing portal, and cancelling there at period end shows on the account', async () => {
    const { token } = await subscribe('canceller', { plan: 'PRO' });
    await waitFor(() => entitlementOf('canceller'), 'the entitlement');

    const portal = await request(stack.apiUrl, 'POST', '/api/subscription/portal', { token });
    const subscriptionId = (await stack.running.storage.subscriptions.listForUser('canceller'))[0]!
      .id;
    await stack.stripe.subscriptions.update(subscriptionId, { cancel_at_period_end: true });
    await waitFor(
      async () =>
        (await stack.running.storage.subscriptions.find(subscriptionId))?.cancel_at_period_end ===
        1,
      'the cancellation',
    );
    const account = AccountResponse.parse(
      (await request(stack.apiUrl, 'GET', '/api/subscription', { token })).body,
    );

    assert.equal(portal.status, 200);
    assert.match(portal.body.url, /^http:\/\/127\.0\.0\.1:\d+\/p\/session\/bps_/);
    assert.equal(account.subscription?.cancelAtPeriodEnd, true);
    assert.equal(account.subscription?.renewsAt, null);
    assert.ok(account.subscription?.endsAt);
  });

  it('answers the portal with 404 for a user who never bought anything', async () => {
    const response = await request(stack.apiUrl, 'POST', '/api/subscription/portal', {
      token: await stack.tokenFor('nobody'),
    });

    assert.equal(response.status, 404);
    assert.deepEqual(response.body, {
      error: 'Not Found',
      message: 'There is no subscription to manage yet',
      code: 'no_customer',
    });
  });

  it('serves entitlements to the site backend only with the server key', async () => {
    await subscribe('backend-user', { plan: 'PRO', billing: 'monthly' });
    await waitFor(() => entitlementOf('backend-user'), 'the entitlement');

    const allowed = await request(stack.apiUrl, 'GET', '/api/entitlements/backend-user', {
      headers: { authorization: 'Bearer server-key-for-the-tests-0123456789' },
    });
    const refused = await request(stack.apiUrl, 'GET', '/api/entitlements/backend-user', {
      headers: { authorization: 'Bearer server-key-for-the-tests-0123456788' },
    });

    assert.deepEqual(allowed.body, {
      userId: 'backend-user',
      entitlement: {
        plan: 'PRO',
        billing: 'monthly',
        source: 'subscription',
        status: 'active',
        trialEndsAt: null,
      },
    });
    assert.equal(refused.status, 401);
  });

  it('renews on the clock, falls past due on a failing card, then cancels', async () => {
    await subscribe('renewer', { plan: 'BASIC' });
    await waitFor(() => entitlementOf('renewer'), 'the entitlement');
    const subscription = (await stack.running.storage.subscriptions.listForUser('renewer'))[0]!;
    const firstEnd = subscription.current_period_end!;

    await stack.control.advanceClock(31 * 86_400);
    await waitFor(
      async () =>
        ((await stack.running.storage.subscriptions.find(subscription.id))!.current_period_end ??
          0) > firstEnd,
      'the renewal',
    );
    await stack.control.setCustomerCard(subscription.customer_id, '4000000000000341');
    await stack.control.advanceClock(31 * 86_400);
    await waitFor(
      async () =>
        (await stack.running.storage.subscriptions.find(subscription.id))?.status === 'past_due',
      'past due',
    );
    await stack.control.advanceClock(30 * 86_400);
    await waitFor(
      async () =>
        (await stack.running.storage.subscriptions.find(subscription.id))?.status === 'canceled',
      'the cancellation',
    );

    assert.equal(await entitlementOf('renewer'), undefined);
  });

  it('reconciles missed events, and a second run changes nothing', async () => {
    await stack.control.holdWebhooks(true);
    const { sessionId } = await subscribe('missed', { plan: 'PRO' });
    // A minute later the endpoint is back: a live event lands after the missed ones, which stay held.
    await stack.control.advanceClock(60);
    await stack.control.holdWebhooks(false);
    const seen = await stack.running.storage.events.count();
    await request(stack.apiUrl, 'POST', '/api/create-checkout-session', {
      body: { userId: 'after-the-gap', planId: 'weekly' },
    });
    await waitFor(
      async () => (await stack.running.storage.events.count()) > seen,
      'the live event',
    );
    const missedBefore = await stack.running.storage.subscriptions.listForUser('missed');
    const reconcileOnce = () =>
      // Run as the merchant runs it, with the server's variables: with TEST_STACK=production
      // that is STRIPE_SECRET_KEY and STRIPE_API_URL naming the Stripe in its own process.
      // Asynchronous, since otherwise the local Stripe may live in this very process.
      promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/reconcile.ts'], {
        env: {
          ...process.env,
          ...stack.scriptEnv,
          DATABASE_URL: stack.databaseUrl ?? '',
          LOG_LEVEL: 'silent',
        },
        encoding: 'utf8',
      });

    const first = await reconcileOnce();
    const second = await reconcileOnce();

    assert.deepEqual(missedBefore, []);
    assert.match(first.stdout, /Reconciled: [1-9]\d* applied/);
    assert.match(second.stdout, /Reconciled: 0 applied/);
    const [reconciled, ...others] = await stack.running.storage.subscriptions.listForUser('missed');
    const atStripe = await stack.stripe.checkout.sessions.retrieve(sessionId);
    assert.deepEqual(others, []);
    assert.equal(reconciled?.id, atStripe.subscription);
    assert.equal(reconciled?.plan, 'PRO');
    assert.equal(reconciled?.status, 'active');
    assert.equal((await stack.running.storage.sessions.find(sessionId))?.status, 'complete');
    assert.equal((await entitlementOf('missed'))?.plan, 'PRO');
  });
});
