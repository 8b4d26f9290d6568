// Events rendered in an API version other than the pinned one: their object is read again.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type Stripe from 'stripe';
import { AccountResponse, isoFromUnix } from '../../shared/index.ts';
import { startLocalStripe } from '@tilldrop/local-stripe';
import { createStripeClient } from '../../server/stripe/client.ts';
import { HANDLED_EVENTS } from '../../server/stripe/handled-events.ts';
import { WEBHOOK_PATH } from '../../server/routes/webhooks.ts';
import { deliver, makeEvent } from '../support/events.ts';
import { request, startStack, type Stack } from '../support/stack.ts';
import { waitFor } from '../support/wait.ts';

const LEGACY_VERSION = '2024-06-20';
const DAY = 86_400;

/** How 2024-06-20 shows a subscription: one billing period, on the subscription itself. */
type LegacySubscription = Stripe.Subscription & { current_period_end: number };

async function subscribe(stack: Stack, userId: string) {
  const token = await stack.tokenFor(userId);
  const created = await request(stack.apiUrl, 'POST', '/api/subscription/create-checkout', {
    token,
    body: { plan: 'BASIC', billing: 'monthly' },
  });
  assert.equal(created.status, 200, JSON.stringify(created.body));
  const paid = await stack.control.completeSession(created.body.sessionId);
  assert.ok(paid.ok);
  const session = await stack.stripe.checkout.sessions.retrieve(created.body.sessionId);
  return { token, subscriptionId: session.subscription as string };
}

const accountOf = async (stack: Stack, token: string) =>
  AccountResponse.parse((await request(stack.apiUrl, 'GET', '/api/subscription', { token })).body);

describe('webhooks in another API version', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack();
  });
  after(() => stack.close());

  it('stores the renewal date of a customer.subscription.updated sent in the 2024-06-20 shape', async () => {
    await stack.control.holdWebhooks(true);
    try {
      const { token, subscriptionId } = await subscribe(stack, 'legacy-shape');
      const legacy = (await stack.stripe.subscriptions.retrieve(subscriptionId, undefined, {
        apiVersion: LEGACY_VERSION,
      })) as unknown as LegacySubscription;
      assert.equal('current_period_end' in legacy.items.data[0]!, false);
      const event = {
        ...makeEvent('customer.subscription.updated', legacy),
        api_version: LEGACY_VERSION,
      };

      const response = await deliver(stack, event);
      const account = await accountOf(stack, token);

      assert.equal(response.status, 200, JSON.stringify(response.body));
      assert.equal(response.body.outcome, 'processed');
      assert.equal(
        (await stack.running.storage.subscriptions.find(subscriptionId))?.current_period_end,
        legacy.current_period_end,
      );
      assert.equal(account.subscription?.renewsAt, isoFromUnix(legacy.current_period_end));
      assert.equal(account.entitlement?.plan, 'BASIC');
    } finally {
      await stack.control.holdWebhooks(false);
      await stack.control.deliverPending();
    }
  });

  it('refuses an event in another version whose object has no id, since it cannot be read again', async () => {
    const event = {
      ...makeEvent('customer.subscription.updated', { object: 'subscription' }),
      api_version: LEGACY_VERSION,
    };

    const response = await deliver(stack, event);

    assert.equal(response.status, 400);
    assert.equal(
      response.body.message,
      'Malformed customer.subscription.updated event: data.object.id is missing',
    );
  });
});

describe('a webhook endpoint made on the local Stripe at API version 2024-06-20', () => {
  let stack: Stack;
  let dir: string;
  let ownUrl: string;
  before(async () => {
    // The endpoint's secret is Stripe's to choose, so it is made first and the server is then
    // started with it, on the same local Stripe database.
    dir = mkdtempSync(join(tmpdir(), 'tilldrop-legacy-endpoint-'));
    const databasePath = join(dir, 'local-stripe.sqlite');
    const local = await startLocalStripe({ port: 0, databasePath });
    const sdk = createStripeClient({ secretKey: local.secretKey, local: local.clientOptions });
    const legacy = await sdk.webhookEndpoints.create({
      url: 'http://127.0.0.1:9/not-yet',
      enabled_events: [...HANDLED_EVENTS],
      api_version: LEGACY_VERSION,
    });
    await local.close();

    stack = await startStack({
      env: { LOCAL_STRIPE_DATABASE_PATH: databasePath, STRIPE_WEBHOOK_SECRET: legacy.secret! },
    });
    ownUrl = `http://127.0.0.1:${new URL(stack.apiUrl).port}${WEBHOOK_PATH}`;
    for (const endpoint of (await stack.stripe.webhookEndpoints.list()).data) {
      if (endpoint.id === legacy.id) {
        await stack.stripe.webhookEndpoints.update(endpoint.id, { url: ownUrl });
      } else {
        await stack.stripe.webhookEndpoints.del(endpoint.id);
      }
    }
  });
  after(async () => {
    await stack.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('ends with the subscription, its renewals and the payments right', async () => {
    const { token, subscriptionId } = await subscribe(stack, 'legacy-endpoint');
    await waitFor(() => stack.running.storage.entitlements.get('legacy-endpoint'), 'the grant');
    const first = (await stack.running.storage.subscriptions.find(subscriptionId))!;

    await stack.control.advanceClock(32 * DAY);
    const renewed = await waitFor(async () => {
      const stored = await stack.running.storage.subscriptions.find(subscriptionId);
      return (stored?.current_period_end ?? 0) > first.current_period_end! && stored;
    }, 'the renewal');
    // The renewal's invoice events may still be on their way from a Stripe in another process.
    const deliveries = await waitFor(async () => {
      const all = await stack.control.listDeliveries();
      return all.every((d) => d.status !== 'pending') && all;
    }, 'every delivery');
    const current = await stack.stripe.subscriptions.retrieve(subscriptionId);
    const account = await accountOf(stack, token);

    assert.ok(deliveries.length > 0);
    assert.ok(deliveries.every((d) => d.status === 'succeeded' && d.endpoint_url === ownUrl));
    assert.equal(first.current_period_end, current.items.data[0]!.current_period_start);
    assert.equal(renewed.current_period_end, current.items.data[0]!.current_period_end);
    assert.equal(account.subscription?.renewsAt, isoFromUnix(renewed.current_period_end!));
    assert.deepEqual(account.entitlement, {
      plan: 'BASIC',
      billing: 'monthly',
      source: 'subscription',
      status: 'active',
      trialEndsAt: null,
    });
    const payments = await request(stack.apiUrl, 'GET', '/api/payments', { token });
    assert.deepEqual(
      payments.body.data.map((p: { status: string }) => p.status),
      ['paid', 'paid'],
    );
  });
});
