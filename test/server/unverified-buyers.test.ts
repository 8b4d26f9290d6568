// The unauthenticated weekly/one-time dialect (seed 002): a `userId` in the body is only that user
// with their own access token or the site's server key; otherwise it is an unverified buyer, kept
// apart from the signed-in buyer of that name.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { count } from '../support/events.ts';
import {
  startHostileStack,
  TEST_SERVER_API_KEY,
  type HostileStack,
} from '../support/fuzz-stack.ts';
import { request } from '../support/stack.ts';
import { waitFor } from '../support/wait.ts';

const SERVER_KEY = { authorization: `Bearer ${TEST_SERVER_API_KEY}` };

describe('unverified buyers of POST /api/create-checkout-session (seed 002)', () => {
  let stack: HostileStack;
  before(async () => {
    stack = await startHostileStack();
  });
  after(() => stack.close());

  const anonymous = (userId: string, planId: string) =>
    request(stack.apiUrl, 'POST', '/api/create-checkout-session', { body: { userId, planId } });
  const entitlementOf = (userId: string) => stack.running.storage.entitlements.get(userId);

  /** A signed-in buyer's open checkout, made through the generic dialect. */
  async function openCheckout(userId: string, planId: string): Promise<string> {
    const created = await request(stack.apiUrl, 'POST', '/payment/checkout', {
      token: await stack.tokenFor(userId),
      body: { planId },
    });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    return created.body.data.checkoutId;
  }

  it("neither hands out nor expires a signed-in buyer's open checkout when anyone names her", async () => {
    const hers = await openCheckout('alice', 'weekly');

    const sameEntry = await anonymous('alice', 'weekly');
    const otherEntry = await anonymous('alice', 'one-time');

    assert.equal(sameEntry.status, 200);
    assert.notEqual(sameEntry.body.sessionId, hers, 'her reusable session is not handed out');
    assert.equal(otherEntry.status, 200);
    assert.equal((await stack.stripe.checkout.sessions.retrieve(hers)).status, 'open');
    assert.equal((await stack.running.storage.sessions.find(hers))?.status, 'open');
    assert.equal(
      (await stack.running.storage.sessions.find(sameEntry.body.sessionId))?.user_id,
      'unverified:alice',
    );
  });

  it('never tells an anonymous caller what a signed-in buyer owns: no 409 about her lifetime access', async () => {
    const paid = await openCheckout('owner', 'one-time');
    await stack.control.completeSession(paid);
    await waitFor(() => entitlementOf('owner'), 'her lifetime access');

    const lifetime = await anonymous('owner', 'one-time');
    const weekly = await anonymous('owner', 'weekly');

    assert.equal(lifetime.status, 200, JSON.stringify(lifetime.body));
    assert.match(lifetime.body.sessionId, /^cs_test_/);
    assert.equal(weekly.status, 200, JSON.stringify(weekly.body));
  });

  it('records an anonymous purchase against unverified:<userId> and never grants it to the user of that name', async () => {
    const created = await anonymous('bob', 'one-time');

    const session = await stack.stripe.checkout.sessions.retrieve(created.body.sessionId);
    await stack.control.completeSession(created.body.sessionId);
    const entitlement = await waitFor(() => entitlementOf('unverified:bob'), 'the purchase');

    assert.equal(session.client_reference_id, 'bob');
    assert.equal(session.metadata?.userId, 'bob');
    assert.equal(session.metadata?.planId, 'one-time');
    assert.equal(session.metadata?.verified, 'false');
    assert.equal(entitlement.source, 'lifetime');
    assert.equal(await entitlementOf('bob'), undefined);
    assert.equal(await count(stack, 'purchases', 'user_id = ?', 'unverified:bob'), 1);
    assert.equal(await count(stack, 'purchases', 'user_id = ?', 'bob'), 0);
    assert.equal(await count(stack, 'payments', 'user_id = ?', 'bob'), 0);
  });

  it("lets the site's backend claim an anonymous purchase by reading unverified:<userId> with the server key", async () => {
    const created = await anonymous('claimer', 'one-time');
    await stack.control.completeSession(created.body.sessionId);
    await waitFor(() => entitlementOf('unverified:claimer'), 'the purchase');

    const claimed = await request(stack.apiUrl, 'GET', '/api/entitlements/unverified:claimer', {
      headers: SERVER_KEY,
    });
    const verified = await request(stack.apiUrl, 'GET', '/api/entitlements/claimer', {
      headers: SERVER_KEY,
    });
    const withoutKey = await request(stack.apiUrl, 'GET', '/api/entitlements/unverified:claimer');

    assert.deepEqual(claimed.body, {
      userId: 'unverified:claimer',
      entitlement: {
        plan: 'one-time',
        billing: 'once',
        source: 'lifetime',
        status: 'active',
        trialEndsAt: null,
      },
    });
    assert.deepEqual(verified.body, { userId: 'claimer', entitlement: null });
    assert.equal(withoutKey.status, 401);
  });

  it("buys as the named user with the site's server key, and answers 409 once that user owns it", async () => {
    const created = await request(stack.apiUrl, 'POST', '/api/create-checkout-session', {
      headers: SERVER_KEY,
      body: { userId: 'carol', planId: 'one-time' },
    });
    await stack.control.completeSession(created.body.sessionId);
    await waitFor(() => entitlementOf('carol'), 'her lifetime access');

    const again = await request(stack.apiUrl, 'POST', '/api/create-checkout-session', {
      headers: SERVER_KEY,
      body: { userId: 'carol', planId: 'one-time' },
    });
    const session = await stack.stripe.checkout.sessions.retrieve(created.body.sessionId);

    assert.equal(session.metadata?.verified, 'true');
    assert.equal(await entitlementOf('unverified:carol'), undefined);
    assert.equal(again.status, 409);
    assert.deepEqual(again.body, {
      error: 'You are already subscribed to this plan',
      code: 'already_subscribed',
    });
  });

  it("buys as the named user with that user's access token, as a Bearer header or the access_token cookie", async () => {
    const token = await stack.tokenFor('dave');

    const bearer = await request(stack.apiUrl, 'POST', '/api/create-checkout-session', {
      token,
      body: { userId: 'dave', planId: 'weekly' },
    });
    const cookie = await request(stack.apiUrl, 'POST', '/api/create-checkout-session', {
      cookie: `access_token=${token}`,
      body: { userId: 'dave', planId: 'weekly' },
    });

    assert.equal(bearer.status, 200);
    assert.equal(cookie.body.sessionId, bearer.body.sessionId, 'the same buyer reuses the session');
    assert.equal(
      (await stack.running.storage.sessions.find(bearer.body.sessionId))?.user_id,
      'dave',
    );
  });

  it('refuses an access token for another user with 403, making nothing', async () => {
    const before = stack.writes();

    const response = await request(stack.apiUrl, 'POST', '/api/create-checkout-session', {
      token: await stack.tokenFor('eve'),
      body: { userId: 'mallory', planId: 'weekly' },
    });

    assert.equal(response.status, 403);
    assert.deepEqual(response.body, {
      error: 'The access token is for another user than userId',
      code: 'token_for_another_user',
    });
    assert.equal(stack.writes(), before);
  });

  it('refuses an invalid access token with 401 instead of buying for an unverified buyer', async () => {
    const response = await request(stack.apiUrl, 'POST', '/api/create-checkout-session', {
      token: 'not-a-token',
      body: { userId: 'frank', planId: 'weekly' },
    });

    assert.equal(response.status, 401);
    assert.deepEqual(response.body, {
      error: 'Authentication required',
      code: 'authentication_required',
    });
    assert.equal(await count(stack, 'checkout_sessions', 'user_id LIKE ?', '%frank'), 0);
  });

  it('makes one Stripe customer per unverified name, never one per request', async () => {
    for (const planId of ['weekly', 'one-time', 'weekly', 'one-time']) {
      assert.equal((await anonymous('grace', planId)).status, 200);
    }

    const customers = (await stack.stripe.customers.list({ limit: 100 })).data.filter(
      (customer) => customer.metadata.userId === 'grace',
    );
    assert.equal(customers.length, 1);
    assert.equal(customers[0]!.metadata.verified, 'false');
    assert.equal(
      await stack.running.storage.customers.customerIdFor('unverified:grace'),
      customers[0]!.id,
    );
    assert.equal(await stack.running.storage.customers.customerIdFor('grace'), undefined);
  });

  it('refuses a signed-in user id inside the unverified namespace', async () => {
    const response = await request(stack.apiUrl, 'POST', '/payment/checkout', {
      token: await stack.tokenFor('unverified:bob'),
      body: { planId: 'weekly' },
    });

    assert.equal(response.status, 400);
    assert.deepEqual(response.body, {
      success: false,
      message: 'User ids starting with "unverified:" are reserved',
      code: 'user_id_reserved',
    });
  });
});
