// Free trials through the local Stripe and its clock: one per buyer, with or without a card, and
// what the buyer and the site's backend read while it runs and after it ends.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type Stripe from 'stripe';
import {
  AccountResponse,
  Catalog,
  EntitlementResponse,
  isoFromUnix,
  PlansResponse,
} from '../../shared/index.ts';
import { deliver, makeEvent } from '../support/events.ts';
import { request, startStack, type Stack } from '../support/stack.ts';
import { waitFor } from '../support/wait.ts';

const DAY = 86_400;
const SERVER_KEY = 'server-key-for-the-trial-tests-0123456789';

const entry = (id: string, plan: string, billing: string, extra: object = {}) => ({
  id,
  plan,
  billing,
  mode: 'subscription',
  priceEnv: `TRIAL_TEST_${id.toUpperCase().replace(/-/g, '_')}`,
  lookupKey: id,
  ...extra,
});

/** One entry per seeded price: a carded trial, two cardless ones and a plan without a trial. */
const CATALOG = [
  entry('plan_basic', 'BASIC', 'monthly', { trialDays: 14 }),
  entry('plan_basic_annual', 'BASIC', 'annual'),
  entry('plan_professional', 'PRO', 'monthly', { trialDays: 14, trialCardRequired: false }),
  entry('plan_professional_annual', 'PRO', 'annual', {
    trialDays: 7,
    trialCardRequired: false,
    trialEndWithoutCard: 'pause',
  }),
];

describe('free trials', () => {
  let stack: Stack;
  let dir: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tilldrop-trials-'));
    const plansFile = join(dir, 'plans.json');
    writeFileSync(plansFile, JSON.stringify(CATALOG));
    stack = await startStack({ env: { PLANS_FILE: plansFile, SERVER_API_KEY: SERVER_KEY } });
  });
  after(async () => {
    await stack?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function checkout(userId: string, planId: string) {
    const token = await stack.tokenFor(userId);
    const created = await request(stack.apiUrl, 'POST', '/payment/checkout', {
      token,
      body: { planId },
    });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    const { checkoutId: sessionId, checkoutUrl: url } = created.body.data;
    return { token, sessionId: sessionId as string, url: url as string };
  }

  /** Starts the trial on the hosted page as a buyer does: an email, and no card. */
  async function startTrialWithoutCard(url: string, email: string) {
    return fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ email }).toString(),
      redirect: 'manual',
    });
  }

  const account = async (token: string) =>
    AccountResponse.parse(
      (await request(stack.apiUrl, 'GET', '/api/subscription', { token })).body,
    );
  const entitlementFor = async (userId: string) =>
    EntitlementResponse.parse(
      (
        await request(stack.apiUrl, 'GET', `/api/entitlements/${userId}`, {
          headers: { authorization: `Bearer ${SERVER_KEY}` },
        })
      ).body,
    ).entitlement;
  const storedSubscription = async (userId: string) =>
    (await stack.running.storage.subscriptions.listForUser(userId))[0];
  const stripeSubscription = async (sessionId: string): Promise<Stripe.Subscription> => {
    const session = await stack.stripe.checkout.sessions.retrieve(sessionId);
    return stack.stripe.subscriptions.retrieve(session.subscription as string);
  };
  const plansFor = async (token?: string) => {
    const answer = await request(stack.apiUrl, 'GET', '/api/plans', { token });
    const { plans } = PlansResponse.parse(answer.body);
    return {
      cacheControl: answer.headers.get('cache-control'),
      trialDays: Object.fromEntries(plans.map((plan) => [plan.id, plan.trialDays])),
    };
  };
  /** Moves the local Stripe's clock to `seconds` past `at`. */
  const advanceTo = async (at: number, seconds = 60) =>
    stack.control.advanceClock(at - (await stack.control.now()) + seconds);
  const allDelivered = () =>
    waitFor(async () => {
      const deliveries = await stack.control.listDeliveries();
      return deliveries.every((d) => d.status === 'succeeded') && deliveries;
    }, 'every webhook delivered');

  it('grants a carded trial as trialing with its end, then bills it and keeps it active when the clock passes the end', async () => {
    const { token, sessionId, url } = await checkout('trial-card', 'plan_basic');
    const page = await (await fetch(url)).text();
    await stack.control.completeSession(sessionId);
    const subscription = await stripeSubscription(sessionId);
    await waitFor(
      async () => (await storedSubscription('trial-card'))?.status === 'trialing',
      'the trial',
    );
    const trialing = await account(token);
    const state = await request(stack.apiUrl, 'GET', `/payment/checkout/${sessionId}`, { token });
    const backend = await entitlementFor('trial-card');

    await advanceTo(subscription.trial_end! - 3 * DAY);
    const warned = await waitFor(
      async () =>
        (await stack.control.listDeliveries()).find(
          (d) =>
            d.event_type === 'customer.subscription.trial_will_end' && d.status === 'succeeded',
        ),
      'the trial_will_end webhook',
    );
    const warnedAccount = await account(token);
    await advanceTo(subscription.trial_end!);
    await waitFor(
      async () => (await storedSubscription('trial-card'))?.status === 'active',
      'the conversion',
    );
    await allDelivered();
    const converted = await account(token);
    const payments = (await request(stack.apiUrl, 'GET', '/api/payments', { token })).body.data;

    assert.match(page, /14 days free/);
    assert.match(page, /name="cardNumber"/);
    assert.equal(subscription.status, 'trialing');
    assert.equal(state.body.data.fulfilled, true, 'a trial charges nothing today and is granted');
    assert.equal(state.body.data.amountTotal, 0);
    assert.equal(trialing.entitlement?.status, 'trialing');
    assert.equal(trialing.entitlement?.trialEndsAt, isoFromUnix(subscription.trial_end!));
    assert.equal(trialing.subscription?.trialEndsAt, isoFromUnix(subscription.trial_end!));
    assert.equal(backend?.status, 'trialing');
    assert.equal(backend?.trialEndsAt, isoFromUnix(subscription.trial_end!));
    assert.ok(warned);
    assert.equal(warnedAccount.entitlement?.trialEndsAt, isoFromUnix(subscription.trial_end!));
    assert.equal(converted.entitlement?.status, 'active');
    assert.equal(converted.entitlement?.trialEndsAt, null);
    assert.equal(converted.subscription?.trialEndsAt, null);
    assert.equal((await storedSubscription('trial-card'))?.trial_end, subscription.trial_end);
    assert.deepEqual(
      payments.map((p: { amount: number; status: string }) => [p.amount, p.status]),
      [
        [900, 'paid'],
        [0, 'paid'],
      ],
    );
  });

  it('starts a cardless trial with "Start trial" and no card form, and cancels it and its access at the end', async () => {
    const { token, sessionId, url } = await checkout('trial-no-card', 'plan_professional');
    const page = await (await fetch(url)).text();
    const started = await startTrialWithoutCard(url, 'no-card@example.com');
    const session = await stack.stripe.checkout.sessions.retrieve(sessionId);
    const subscription = await stripeSubscription(sessionId);
    await waitFor(
      async () => (await storedSubscription('trial-no-card'))?.status === 'trialing',
      'the trial',
    );
    const during = await account(token);

    await advanceTo(subscription.trial_end!);
    await waitFor(
      async () => (await storedSubscription('trial-no-card'))?.status === 'canceled',
      'the end',
    );
    const ended = await account(token);

    assert.match(page, /Start trial/);
    assert.doesNotMatch(page, /name="cardNumber"/);
    assert.equal(started.status, 303);
    assert.equal(session.payment_method_collection, 'if_required');
    assert.equal(subscription.default_payment_method, null);
    assert.equal(subscription.trial_settings?.end_behavior.missing_payment_method, 'cancel');
    assert.equal(during.entitlement?.status, 'trialing');
    assert.equal(ended.entitlement, null);
    assert.equal(ended.subscription?.status, 'canceled');
    assert.equal(await entitlementFor('trial-no-card'), null);
  });

  it('pauses a cardless trial at its end when the catalog entry says pause, and access goes with it', async () => {
    const { token, sessionId, url } = await checkout('trial-pause', 'plan_professional_annual');
    await startTrialWithoutCard(url, 'pause@example.com');
    const subscription = await stripeSubscription(sessionId);
    await waitFor(
      async () => (await storedSubscription('trial-pause'))?.status === 'trialing',
      'the trial',
    );

    await advanceTo(subscription.trial_end!);
    await waitFor(
      async () => (await storedSubscription('trial-pause'))?.status === 'paused',
      'the pause',
    );
    const paused = await account(token);

    assert.equal(subscription.trial_settings?.end_behavior.missing_payment_method, 'pause');
    assert.equal(paused.entitlement, null);
    assert.equal(paused.subscription?.status, 'paused');
    assert.equal(paused.subscription?.trialEndsAt, null);
  });

  it('sells a buyer who had a trial the plan without one: no trial sent, the card asked, and GET /api/plans says so', async () => {
    const before = await plansFor(await stack.tokenFor('trial-no-card'));
    const anonymous = await plansFor();
    const newcomer = await plansFor(await stack.tokenFor('never-subscribed'));
    const { sessionId, url } = await checkout('trial-no-card', 'plan_professional');
    const session = await stack.stripe.checkout.sessions.retrieve(sessionId);
    const page = await (await fetch(url)).text();
    await stack.control.completeSession(sessionId);
    const subscription = await stripeSubscription(sessionId);

    assert.deepEqual(before.trialDays, {
      plan_basic: null,
      plan_basic_annual: null,
      plan_professional: null,
      plan_professional_annual: null,
    });
    assert.equal(before.cacheControl, 'private, no-cache');
    assert.equal(anonymous.trialDays.plan_professional, 14);
    assert.equal(anonymous.cacheControl, 'public, max-age=60');
    assert.equal(newcomer.trialDays.plan_professional_annual, 7);
    assert.equal(session.amount_total, 1900);
    assert.notEqual(session.payment_method_collection, 'if_required');
    assert.doesNotMatch(page, /days free|Start trial/);
    assert.match(page, /name="cardNumber"/);
    assert.equal(subscription.status, 'active');
    assert.equal(subscription.trial_end, null);
  });

  it('offers no trial to a buyer whose only subscription was a paid one', async () => {
    const paid = await checkout('paid-first', 'plan_basic_annual');
    await stack.control.completeSession(paid.sessionId);
    await waitFor(() => storedSubscription('paid-first'), 'the subscription');
    const subscription = await stripeSubscription(paid.sessionId);
    await stack.stripe.subscriptions.cancel(subscription.id);
    await waitFor(
      async () => (await storedSubscription('paid-first'))?.status === 'canceled',
      'the cancel',
    );

    const again = await checkout('paid-first', 'plan_basic');
    const session = await stack.stripe.checkout.sessions.retrieve(again.sessionId);

    assert.equal(session.amount_total, 900);
    assert.equal((await plansFor(paid.token)).trialDays.plan_basic, null);
  });

  it('stores the trial end from customer.subscription.trial_will_end alone', async () => {
    const { token, sessionId } = await checkout('warned-only', 'plan_basic');
    await stack.control.holdWebhooks(true);
    let subscription: Stripe.Subscription;
    try {
      await stack.control.completeSession(sessionId);
      subscription = await stripeSubscription(sessionId);
      const warning = makeEvent('customer.subscription.trial_will_end', subscription, {
        created: subscription.trial_end! - 3 * DAY,
      });

      const delivered = await deliver(stack, warning);
      const warned = await account(token);

      assert.equal(delivered.status, 200);
      assert.equal(warned.subscription?.status, 'trialing');
      assert.equal(warned.subscription?.trialEndsAt, isoFromUnix(subscription.trial_end!));
      assert.equal(warned.entitlement?.trialEndsAt, isoFromUnix(subscription.trial_end!));
    } finally {
      await stack.control.holdWebhooks(false);
      await stack.control.deliverPending();
    }
    await allDelivered();
    assert.equal(
      (await account(token)).subscription?.trialEndsAt,
      isoFromUnix(subscription.trial_end!),
    );
  });

  it('ends a trial the same whatever order and however often its events arrive', async () => {
    const carded = await checkout('shuffled-card', 'plan_basic');
    const cardless = await checkout('shuffled-no-card', 'plan_professional');
    await stack.control.holdWebhooks(true);
    try {
      await stack.control.completeSession(carded.sessionId);
      await startTrialWithoutCard(cardless.url, 'shuffled@example.com');
      const ends = await Promise.all(
        [carded, cardless].map(
          async ({ sessionId }) => (await stripeSubscription(sessionId)).trial_end!,
        ),
      );
      await advanceTo(Math.max(...ends));
    } finally {
      await stack.control.holdWebhooks(false);
      await stack.control.deliverPending({ shuffle: true, duplicate: true });
    }
    await allDelivered();

    const card = await account(carded.token);
    const noCard = await account(cardless.token);
    assert.equal(card.subscription?.status, 'active');
    assert.equal(card.entitlement?.status, 'active');
    assert.equal(card.entitlement?.trialEndsAt, null);
    assert.equal(noCard.subscription?.status, 'canceled');
    assert.equal(noCard.entitlement, null);
    assert.equal((await stack.running.storage.sessions.find(carded.sessionId))?.status, 'complete');
  });

  it('refuses a catalog whose trial is not a positive number of days of a subscription', () => {
    const oneTime = Catalog.safeParse([
      { ...entry('one-time', 'one-time', 'once', { trialDays: 7 }), mode: 'payment' },
    ]);
    const zero = Catalog.safeParse([entry('plan_basic', 'BASIC', 'monthly', { trialDays: 0 })]);
    const long = Catalog.safeParse([entry('plan_basic', 'BASIC', 'monthly', { trialDays: 731 })]);
    const behaviour = Catalog.safeParse([
      entry('plan_basic', 'BASIC', 'monthly', { trialDays: 7, trialEndWithoutCard: 'invoice' }),
    ]);
    const defaults = Catalog.parse([entry('plan_basic', 'BASIC', 'monthly', { trialDays: 7 })]);

    assert.equal(oneTime.error?.issues[0]?.message, 'only subscription entries have trials');
    assert.deepEqual(oneTime.error?.issues[0]?.path, [0, 'trialDays']);
    assert.equal(zero.success, false);
    assert.equal(long.error?.issues[0]?.message, 'Stripe trials last at most 730 days');
    assert.equal(behaviour.success, false);
    assert.equal(defaults[0]!.trialCardRequired, true);
    assert.equal(defaults[0]!.trialEndWithoutCard, 'cancel');
  });
});
