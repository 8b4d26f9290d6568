import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type Stripe from 'stripe';
import { loadCatalog } from '../../server/services/catalog.ts';
import { createServices } from '../../server/services/index.ts';
import { HANDLED_EVENTS } from '../../server/stripe/handled-events.ts';
import { request, startStack, type Stack } from '../support/stack.ts';
import { waitFor } from '../support/wait.ts';
import {
  count,
  deliver,
  makeEvent,
  paidLifetimeSession,
  priceIdOf,
  REFUSE_PURCHASES,
  sign,
  subscriptionObject,
} from '../support/events.ts';

const SECOND_SECRET = 'whsec_rotatedsecretfortests0123456789';

describe('POST /api/webhooks/stripe', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({
      env: { STRIPE_WEBHOOK_SECRET: `whsec_firstsecretfortests0123456789, ${SECOND_SECRET}` },
    });
  });
  after(() => stack.close());

  it('refuses a forged signature with 400 and writes nothing', async () => {
    const event = makeEvent(
      'checkout.session.completed',
      await paidLifetimeSession(stack, 'forged-user'),
    );
    const payload = JSON.stringify(event);

    const response = await deliver(stack, event, {
      signature: sign(stack, payload, { secret: 'whsec_notoursatall0000000000' }),
    });

    assert.equal(response.status, 400);
    assert.deepEqual(response.body, {
      error: 'Bad Request',
      message: 'Webhook signature verification failed',
      code: 'signature_invalid',
    });
    assert.equal(await count(stack, 'stripe_events', 'id = ?', event.id), 0);
    assert.equal(await count(stack, 'purchases', 'user_id = ?', 'forged-user'), 0);
  });

  it('refuses a signature older than five minutes, and a missing one', async () => {
    const event = makeEvent('customer.created', { id: 'cus_stale', object: 'customer' });

    const stale = await deliver(stack, event, { timestamp: Math.floor(Date.now() / 1000) - 301 });
    const missing = await request(stack.apiUrl, 'POST', '/api/webhooks/stripe', {
      rawBody: JSON.stringify(event),
      headers: { 'content-type': 'application/json' },
    });

    assert.equal(stale.status, 400);
    assert.equal(missing.status, 400);
    assert.deepEqual(missing.body, {
      error: 'Bad Request',
      message: 'Missing Stripe-Signature header',
      code: 'signature_missing',
    });
    assert.equal(await count(stack, 'stripe_events', 'id = ?', event.id), 0);
  });

  it('accepts events signed with any of the configured secrets while one is rotated', async () => {
    const event = makeEvent('customer.created', { id: 'cus_rotated', object: 'customer' });

    const response = await deliver(stack, event, { secret: SECOND_SECRET });

    assert.equal(response.status, 200);
    assert.deepEqual(response.body, { received: true, outcome: 'ignored' });
  });

  it('grants a paid one-time purchase once, however often the event arrives', async () => {
    const event = makeEvent(
      'checkout.session.completed',
      await paidLifetimeSession(stack, 'buyer-dup'),
    );

    const first = await deliver(stack, event);
    const second = await deliver(stack, event);

    assert.equal(first.body.outcome, 'processed');
    assert.equal(second.body.outcome, 'duplicate');
    assert.equal(await count(stack, 'purchases', 'user_id = ?', 'buyer-dup'), 1);
    assert.equal((await stack.running.storage.entitlements.get('buyer-dup'))?.source, 'lifetime');
  });

  it('applies the same event delivered twice at once exactly once', async () => {
    const event = makeEvent(
      'checkout.session.completed',
      await paidLifetimeSession(stack, 'buyer-race'),
    );

    const outcomes = await Promise.all([
      deliver(stack, event),
      deliver(stack, event),
      deliver(stack, event),
    ]);

    assert.deepEqual(
      outcomes.map((r) => r.status),
      [200, 200, 200],
    );
    assert.equal(outcomes.filter((r) => r.body.outcome === 'processed').length, 1);
    assert.equal(await count(stack, 'purchases', 'user_id = ?', 'buyer-race'), 1);
    assert.equal(await count(stack, 'payments', 'user_id = ?', 'buyer-race'), 1);
  });

  it('does not grant a session that is complete but unpaid', async () => {
    const session = {
      ...(await paidLifetimeSession(stack, 'buyer-unpaid')),
      payment_status: 'unpaid',
    };

    await deliver(stack, makeEvent('checkout.session.completed', session));

    assert.equal(await count(stack, 'purchases', 'user_id = ?', 'buyer-unpaid'), 0);
    assert.equal(await stack.running.storage.entitlements.get('buyer-unpaid'), undefined);
  });

  it('answers 500 when the database write fails, keeps nothing, and succeeds on redelivery', async () => {
    const event = makeEvent(
      'checkout.session.completed',
      await paidLifetimeSession(stack, 'buyer-retry'),
    );
    const db = stack.running.storage.db;
    await db.exec(REFUSE_PURCHASES[db.dialect].create);

    const failed = await deliver(stack, event);
    await db.exec(REFUSE_PURCHASES[db.dialect].drop);
    const kept = await count(stack, 'stripe_events', 'id = ?', event.id);
    const retried = await deliver(stack, event);

    assert.equal(failed.status, 500);
    assert.equal(kept, 0);
    assert.equal(retried.body.outcome, 'processed');
    assert.equal(await count(stack, 'purchases', 'user_id = ?', 'buyer-retry'), 1);
  });

  /** A one-time purchase paid on the local Stripe; its webhooks are on their way. */
  async function boughtOnStripe(userId: string) {
    const created = await request(stack.apiUrl, 'POST', '/api/create-checkout-session', {
      token: await stack.tokenFor(userId),
      body: { userId, planId: 'one-time' },
    });
    await stack.control.completeSession(created.body.sessionId);
    const session = await stack.stripe.checkout.sessions.retrieve(created.body.sessionId, {
      expand: ['payment_intent'],
    });
    const paymentIntent = session.payment_intent as Stripe.PaymentIntent;
    return { sessionId: session.id, charge: paymentIntent.latest_charge as string };
  }

  /** A refund or a dispute of a payment, the event it arrives as, and the status it leaves. */
  const REVOCATIONS = [
    {
      status: 'refunded',
      revoke: (charge: string) => stack.stripe.refunds.create({ charge }),
      isEventOf: (event: Stripe.Event, charge: string) =>
        event.type === 'charge.refunded' && event.data.object.id === charge,
    },
    {
      status: 'disputed',
      revoke: (charge: string) => stack.control.disputeCharge(charge),
      isEventOf: (event: Stripe.Event, charge: string) =>
        event.type === 'charge.dispute.created' && event.data.object.charge === charge,
    },
  ] as const;

  it('takes lifetime access away when the purchase is refunded or disputed', async () => {
    for (const { status, revoke } of REVOCATIONS) {
      const userId = `revoked-after-${status}`;
      const { charge } = await boughtOnStripe(userId);
      await waitFor(() => stack.running.storage.entitlements.get(userId), 'lifetime access');

      await revoke(charge);

      await waitFor(
        async () =>
          (await count(stack, 'purchases', 'user_id = ? AND status = ?', userId, status)) === 1,
        `the purchase ${status}`,
      );
      assert.equal(await stack.running.storage.entitlements.get(userId), undefined, userId);
    }
  });

  it('grants nothing when the refund or dispute arrives before the completed session', async () => {
    for (const { status, revoke, isEventOf } of REVOCATIONS) {
      const userId = `revoked-before-${status}`;
      await stack.control.holdWebhooks(true);
      try {
        const { sessionId, charge } = await boughtOnStripe(userId);
        await revoke(charge);
        const events = (await stack.stripe.events.list({ limit: 100 })).data;
        const completed = events.find(
          (e) => e.type === 'checkout.session.completed' && e.data.object.id === sessionId,
        )!;
        const revocation = events.find((e) => isEventOf(e, charge))!;

        await deliver(stack, revocation);
        await deliver(stack, completed);

        assert.equal(await stack.running.storage.entitlements.get(userId), undefined, userId);
        assert.equal(
          await count(stack, 'purchases', 'user_id = ? AND status = ?', userId, status),
          1,
        );
        assert.equal(
          await count(stack, 'payments', 'user_id = ? AND status = ?', userId, status),
          1,
        );
      } finally {
        await stack.control.holdWebhooks(false);
        await stack.control.deliverPending();
      }
      assert.equal(await stack.running.storage.entitlements.get(userId), undefined, userId);
    }
  });

  it('dispatches exactly the event types the webhook endpoint is set up for', () => {
    const { webhooks } = createServices(stack.stripe, stack.running.storage, {
      catalog: loadCatalog(undefined),
      priceIds: {},
      appUrl: stack.apiUrl,
      allowedOrigins: [],
      webhookSecrets: [],
    });

    assert.deepEqual([...webhooks.handledTypes].sort(), [...HANDLED_EVENTS].sort());
  });

  it('marks a stored session expired on checkout.session.expired', async () => {
    const created = await request(stack.apiUrl, 'POST', '/api/create-checkout-session', {
      body: { userId: 'expiring', planId: 'weekly' },
    });
    const session = await stack.stripe.checkout.sessions.retrieve(created.body.sessionId);

    await deliver(
      stack,
      makeEvent('checkout.session.expired', { ...session, status: 'expired', url: null }),
    );

    assert.equal((await stack.running.storage.sessions.find(session.id))?.status, 'expired');
  });

  it("keeps a subscription with the customer's owner when its metadata names someone else", async () => {
    const priceId = await priceIdOf(stack, 'plan_basic');
    const now = Math.floor(Date.now() / 1000);
    await stack.running.storage.customers.remember('first-owner', 'cus_owned', now);
    const edited = subscriptionObject({
      id: 'sub_edited_metadata',
      customer: 'cus_owned',
      userId: 'someone-else',
      priceId,
      status: 'active',
      periodStart: now,
      periodEnd: now + 30 * 86_400,
    });

    const response = await deliver(stack, makeEvent('customer.subscription.created', edited));

    assert.equal(response.status, 200);
    assert.equal(
      (await stack.running.storage.subscriptions.find('sub_edited_metadata'))?.user_id,
      'first-owner',
    );
    assert.equal((await stack.running.storage.entitlements.get('first-owner'))?.plan, 'BASIC');
    assert.equal(await stack.running.storage.entitlements.get('someone-else'), undefined);
  });

  describe('a subscription life delivered in shuffled order', () => {
    const t0 = Math.floor(Date.now() / 1000);
    const day = 86_400;

    async function lifecycle(
      userId: string,
      subscriptionId: string,
      ending: 'canceled' | 'active',
    ) {
      const priceId = await priceIdOf(stack, 'plan_professional');
      const customer = `cus_${userId}`;
      // Ours by its tag alone: its customer is one this server never saw.
      const metadata = { userId, tilldropInstance: stack.running.storage.instanceId };
      const sub = (status: any, extra: object = {}) => ({
        ...subscriptionObject({
          id: subscriptionId,
          customer,
          userId,
          priceId,
          status,
          periodStart: t0,
          periodEnd: t0 + 30 * day,
          ...extra,
        }),
        metadata,
      });
      const invoice = (id: string, status: string) => ({
        id,
        object: 'invoice',
        customer,
        currency: 'usd',
        amount_paid: status === 'paid' ? 1900 : 0,
        amount_due: 1900,
        created: t0,
        status,
        hosted_invoice_url: null,
        lines: { data: [{ description: '1 × Pro (at $19.00 / month)' }] },
        parent: { subscription_details: { metadata, subscription: subscriptionId } },
      });
      const events = [
        makeEvent('customer.subscription.created', sub('incomplete'), { created: t0 }),
        makeEvent('invoice.paid', invoice(`in_${userId}_1`, 'paid'), { created: t0 + 1 }),
        makeEvent('customer.subscription.updated', sub('active'), { created: t0 + 1 }),
        makeEvent('invoice.payment_failed', invoice(`in_${userId}_2`, 'open'), {
          created: t0 + 30 * day,
        }),
        makeEvent('customer.subscription.updated', sub('past_due'), {
          created: t0 + 30 * day,
        }),
        ending === 'canceled'
          ? makeEvent('customer.subscription.deleted', sub('canceled'), {
              created: t0 + 40 * day,
            })
          : makeEvent(
              'customer.subscription.updated',
              sub('active', {
                periodStart: t0 + 30 * day,
                periodEnd: t0 + 60 * day,
              }),
              { created: t0 + 31 * day },
            ),
      ];
      return events;
    }

    const shuffle = <T>(items: T[], seed: number) => {
      const out = [...items];
      for (let i = out.length - 1; i > 0; i--) {
        seed = (seed * 16807) % 2147483647;
        const j = seed % (i + 1);
        [out[i], out[j]] = [out[j]!, out[i]!];
      }
      return out;
    };

    for (const seed of [1, 7, 42]) {
      it(`ends canceled with no entitlement (order ${seed})`, async () => {
        const userId = `life-canceled-${seed}`;
        const events = await lifecycle(userId, `sub_canceled_${seed}`, 'canceled');

        for (const event of shuffle(events, seed))
          assert.equal((await deliver(stack, event)).status, 200);

        const stored = await stack.running.storage.subscriptions.find(`sub_canceled_${seed}`);
        assert.equal(stored?.status, 'canceled');
        assert.equal(await stack.running.storage.entitlements.get(userId), undefined);
        assert.equal(await count(stack, 'subscriptions', 'user_id = ?', userId), 1);
      });

      it(`ends active on the renewed period with PRO monthly (order ${seed})`, async () => {
        const userId = `life-active-${seed}`;
        const events = await lifecycle(userId, `sub_active_${seed}`, 'active');

        for (const event of shuffle(events, seed)) await deliver(stack, event);

        const stored = await stack.running.storage.subscriptions.find(`sub_active_${seed}`);
        assert.equal(stored?.status, 'active');
        assert.equal(stored?.current_period_end, t0 + 60 * day);
        assert.deepEqual(
          { ...(await stack.running.storage.entitlements.get(userId)), updated_at: 0 },
          {
            user_id: userId,
            plan: 'PRO',
            billing: 'monthly',
            catalog_id: 'plan_professional',
            source: 'subscription',
            status: 'active',
            subscription_id: `sub_active_${seed}`,
            updated_at: 0,
          },
        );
        assert.equal(await count(stack, 'payments', "user_id = ? AND status = 'paid'", userId), 1);
        assert.equal(
          await count(stack, 'payments', "user_id = ? AND status = 'failed'", userId),
          1,
        );
      });
    }
  });
});
