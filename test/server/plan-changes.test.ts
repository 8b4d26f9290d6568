// Changing plans through the local Stripe: the price shown first, then Stripe's portal page
// confirming exactly that change, then the webhooks (shuffled and duplicated) into the account.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  AccountResponse,
  ChangePreview,
  PaymentsResponse,
  PlansResponse,
} from '../../shared/index.ts';
import { priceIdOf } from '../support/events.ts';
import { request, startStack, type Stack } from '../support/stack.ts';
import { waitFor } from '../support/wait.ts';

const DAY = 86_400;

describe('changing plans', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack();
  });
  after(() => stack.close());

  const entitlementOf = (userId: string) => stack.running.storage.entitlements.get(userId);
  const storedSubscription = async (userId: string) =>
    (await stack.running.storage.subscriptions.listForUser(userId))[0]!;

  async function subscriber(userId: string, plan: 'BASIC' | 'PRO', billing = 'monthly') {
    const token = await stack.tokenFor(userId);
    const created = await request(stack.apiUrl, 'POST', '/api/subscription/create-checkout', {
      token,
      body: { plan, billing },
    });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    assert.ok((await stack.control.completeSession(created.body.sessionId)).ok);
    await waitFor(async () => (await entitlementOf(userId))?.plan === plan, 'the first plan');
    return token;
  }

  async function preview(token: string, query: string) {
    const response = await request(
      stack.apiUrl,
      'GET',
      `/api/subscription/change-preview?${query}`,
      { token },
    );
    assert.equal(response.status, 200, JSON.stringify(response.body));
    return ChangePreview.parse(response.body);
  }

  /** Opens the portal link the checkout answered and presses Confirm, as the buyer would. */
  async function confirmOnPortal(portalUrl: string, lookupKey: string) {
    const page = await fetch(portalUrl);
    const markup = await page.text();
    assert.equal(page.status, 200);
    assert.match(markup, /Confirm your new plan/);
    const confirmed = await fetch(`${portalUrl}/flow/confirm`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ price: await priceIdOf(stack, lookupKey) }),
      redirect: 'manual',
    });
    assert.equal(confirmed.status, 303, await confirmed.text());
    return { markup, location: confirmed.headers.get('location') };
  }

  /** The change's events arrive late, shuffled and each twice, as Stripe may send them. */
  async function withShuffledEvents<T>(change: () => Promise<T>): Promise<T> {
    await stack.control.holdWebhooks(true);
    try {
      return await change();
    } finally {
      await stack.control.holdWebhooks(false);
      await stack.control.deliverPending({ shuffle: true, duplicate: true });
    }
  }

  const account = async (token: string) =>
    AccountResponse.parse(
      (await request(stack.apiUrl, 'GET', '/api/subscription', { token })).body,
    );
  const payments = async (token: string) =>
    PaymentsResponse.parse((await request(stack.apiUrl, 'GET', '/api/payments', { token })).body)
      .data;
  const subscriptionsAtStripe = async (userId: string) =>
    (
      await stack.stripe.subscriptions.list({
        customer: (await storedSubscription(userId)).customer_id,
        status: 'all',
      })
    ).data;

  it('upgrades BASIC to PRO at once for the prorated price the preview showed, on the one subscription', async () => {
    const token = await subscriber('upgrader', 'BASIC');
    await stack.control.advanceClock(10 * DAY);
    const periodEnd = (await storedSubscription('upgrader')).current_period_end!;

    const shown = await preview(token, 'plan=PRO&billing=monthly');
    const checkout = await request(stack.apiUrl, 'POST', '/api/subscription/create-checkout', {
      token,
      body: { plan: 'PRO' },
    });
    const { markup, location } = await withShuffledEvents(() =>
      confirmOnPortal(checkout.body.url, 'plan_professional'),
    );
    await waitFor(async () => (await entitlementOf('upgrader'))?.plan === 'PRO', 'PRO');
    const history = await payments(token);

    assert.equal(shown.effective, 'now');
    assert.ok(shown.amountDue > 0 && shown.amountDue < 1000, `prorated: ${shown.amountDue}`);
    assert.equal(shown.nextAmount, 1900);
    assert.equal(shown.nextRenewalAt, new Date(periodEnd * 1000).toISOString().replace('.000', ''));
    assert.equal(shown.prorationDate, shown.effectiveAt);
    assert.equal(checkout.status, 200);
    assert.match(checkout.body.sessionId, /^bps_/);
    assert.equal(checkout.body.message, 'Checkout session created successfully');
    assert.match(markup, new RegExp(`\\$${(shown.amountDue / 100).toFixed(2)}`));
    assert.equal(location, `${stack.appUrl}/account`);
    assert.equal((await subscriptionsAtStripe('upgrader')).length, 1);
    assert.equal((await storedSubscription('upgrader')).current_period_end, periodEnd);
    assert.equal(history.length, 2);
    const proration = history.find((payment) => payment.amount !== 900)!;
    assert.ok(Math.abs(proration.amount - shown.amountDue) <= 1, `${proration.amount}`);
    assert.equal(proration.status, 'paid');
  });

  it('schedules PRO to BASIC for the renewal: PRO until the clock passes it, then BASIC', async () => {
    const token = await subscriber('downgrader', 'PRO');
    const periodEnd = (await storedSubscription('downgrader')).current_period_end!;
    const renewalIso = new Date(periodEnd * 1000).toISOString().replace('.000', '');

    const shown = await preview(token, 'plan=BASIC');
    const checkout = await request(stack.apiUrl, 'POST', '/api/subscription/create-checkout', {
      token,
      body: { plan: 'BASIC' },
    });
    await withShuffledEvents(() => confirmOnPortal(checkout.body.url, 'plan_basic'));
    const scheduled = await waitFor(
      async () => (await account(token)).scheduledChange ?? undefined,
      'the scheduled change',
    );
    const again = await request(stack.apiUrl, 'POST', '/api/subscription/create-checkout', {
      token,
      body: { plan: 'BASIC' },
    });
    const before = await account(token);

    assert.deepEqual(
      [shown.effective, shown.effectiveAt, shown.amountDue, shown.nextAmount, shown.prorationDate],
      ['period_end', renewalIso, 0, 900, null],
    );
    assert.deepEqual(scheduled, { plan: 'BASIC', billing: 'monthly', at: renewalIso });
    assert.equal(before.entitlement?.plan, 'PRO');
    assert.equal(again.status, 409);
    assert.equal(
      again.body.message,
      'A plan change is already scheduled for the end of this period',
    );
    assert.equal((await payments(token)).length, 1, 'nothing is charged now');

    await withShuffledEvents(async () =>
      stack.control.advanceClock(periodEnd - (await stack.control.now()) + 60),
    );
    await waitFor(async () => (await entitlementOf('downgrader'))?.plan === 'BASIC', 'BASIC');
    const afterRenewal = await account(token);
    const history = await payments(token);

    assert.equal(afterRenewal.scheduledChange, null);
    assert.equal(afterRenewal.subscription?.plan, 'BASIC');
    assert.equal((await subscriptionsAtStripe('downgrader')).length, 1);
    assert.deepEqual(history.map((payment) => payment.amount).sort(), [1900, 900].sort());
  });

  it('follows a scheduled change Stripe alone knows about: new phases (subscription_schedule.updated), then a release', async () => {
    const token = await subscriber('rescheduler', 'PRO');
    const checkout = await request(stack.apiUrl, 'POST', '/api/subscription/create-checkout', {
      token,
      body: { plan: 'BASIC' },
    });
    await confirmOnPortal(checkout.body.url, 'plan_basic');
    await waitFor(async () => (await account(token)).scheduledChange ?? undefined, 'BASIC');
    const subscription = await stack.stripe.subscriptions.retrieve(
      (await storedSubscription('rescheduler')).id,
    );
    const scheduleId = subscription.schedule as string;
    const [current] = (await stack.stripe.subscriptionSchedules.retrieve(scheduleId)).phases;

    const annual = await priceIdOf(stack, 'plan_basic_annual');
    await withShuffledEvents(() =>
      stack.stripe.subscriptionSchedules.update(scheduleId, {
        phases: [
          { items: [{ price: current!.items[0]!.price as string }], end_date: current!.end_date },
          { items: [{ price: annual }] },
        ],
      }),
    );
    const moved = await waitFor(
      async () => ((await account(token)).scheduledChange?.billing === 'annual' ? true : undefined),
      'the new phase',
    );
    await withShuffledEvents(() => stack.stripe.subscriptionSchedules.release(scheduleId));
    await waitFor(
      async () => ((await account(token)).scheduledChange === null ? true : undefined),
      'the release',
    );

    assert.equal(moved, true);
    assert.equal((await entitlementOf('rescheduler'))?.plan, 'PRO');
  });

  it('switches PRO monthly to annual at once, restarting the period a year out', async () => {
    const token = await subscriber('annualizer', 'PRO');
    const now = await stack.control.now();

    const shown = await preview(token, 'plan=PRO&billing=annual');
    const generic = await request(stack.apiUrl, 'POST', '/payment/checkout', {
      token,
      body: { planId: 'plan_professional_annual' },
    });
    await withShuffledEvents(() =>
      confirmOnPortal(generic.body.data.checkoutUrl, 'plan_professional_annual'),
    );
    const entitlement = await waitFor(
      async () =>
        (await entitlementOf('annualizer'))?.billing === 'annual' &&
        (await entitlementOf('annualizer')),
      'the annual plan',
    );

    assert.equal(shown.effective, 'now');
    assert.ok(shown.amountDue >= 19000 - 1900 && shown.amountDue < 19000, `${shown.amountDue}`);
    assert.ok(Date.parse(shown.nextRenewalAt) / 1000 >= now + 364 * DAY);
    assert.equal(generic.status, 200);
    assert.match(generic.body.data.checkoutId, /^bps_/);
    assert.ok(Date.parse(generic.body.data.expiresAt) > Date.now() - 60_000);
    assert.equal(entitlement.plan, 'PRO');
    assert.equal((await subscriptionsAtStripe('annualizer')).length, 1);
    assert.ok((await storedSubscription('annualizer')).current_period_end! >= now + 364 * DAY);
  });

  it('answers the plan already held with 409 and a buyer with no subscription with 400', async () => {
    const token = await subscriber('holder', 'BASIC');
    const nobody = await stack.tokenFor('no-subscription');

    const samePreview = await request(
      stack.apiUrl,
      'GET',
      '/api/subscription/change-preview?plan=BASIC&billing=monthly',
      { token },
    );
    const sameCheckout = await request(stack.apiUrl, 'POST', '/payment/checkout', {
      token,
      body: { planId: 'plan_basic' },
    });
    const none = await request(stack.apiUrl, 'GET', '/api/subscription/change-preview?plan=PRO', {
      token: nobody,
    });
    const badPlan = await request(
      stack.apiUrl,
      'GET',
      '/api/subscription/change-preview?plan=GOLD',
      { token },
    );
    const anonymous = await request(
      stack.apiUrl,
      'GET',
      '/api/subscription/change-preview?plan=PRO',
    );

    assert.equal(samePreview.status, 409);
    assert.equal(samePreview.body.error, 'Conflict');
    assert.equal(samePreview.body.message, 'You are already subscribed to this plan');
    assert.equal(sameCheckout.status, 409);
    assert.equal(sameCheckout.body.message, 'You are already subscribed to this plan');
    assert.equal(none.status, 400);
    assert.equal(none.body.error, 'Bad Request');
    assert.equal(none.body.message, 'You have no subscription to change');
    assert.equal(badPlan.status, 400);
    assert.equal(badPlan.body.message, 'Invalid plan. Must be BASIC or PRO');
    assert.equal(anonymous.status, 401);
  });

  it('keeps the 409 for a lifetime buyer asking for a subscription', async () => {
    const token = await stack.tokenFor('lifetime-buyer');
    const bought = await request(stack.apiUrl, 'POST', '/payment/checkout', {
      token,
      body: { planId: 'one-time' },
    });
    await stack.control.completeSession(bought.body.data.checkoutId);
    await waitFor(
      async () => (await entitlementOf('lifetime-buyer'))?.source === 'lifetime',
      'lifetime',
    );

    const response = await request(stack.apiUrl, 'POST', '/api/subscription/create-checkout', {
      token,
      body: { plan: 'PRO' },
    });

    assert.equal(response.status, 409);
    assert.equal(response.body.message, 'You already have lifetime access');
  });

  it('tells a signed-in buyer which plan they hold with the prices, and nobody else', async () => {
    const subscribed = await subscriber('plans-reader', 'BASIC', 'annual');
    const newcomer = await stack.tokenFor('plans-newcomer');

    const plans = async (token?: string) =>
      PlansResponse.parse((await request(stack.apiUrl, 'GET', '/api/plans', { token })).body);
    const [held, none, anonymous] = await Promise.all([
      plans(subscribed),
      plans(newcomer),
      plans(undefined),
    ]);

    assert.deepEqual(held.entitlement, {
      plan: 'BASIC',
      billing: 'annual',
      source: 'subscription',
      status: 'active',
      trialEndsAt: null,
    });
    assert.equal(none.entitlement, null);
    assert.equal('entitlement' in anonymous, false);
    assert.deepEqual(
      held.plans.map((price) => price.id),
      anonymous.plans.map((price) => price.id),
    );
  });
});
