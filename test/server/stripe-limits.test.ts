// Stripe refuses a client_reference_id over 200 characters and metadata values over 500: a user id
// too long for Stripe is the caller's 400 in every dialect, never a 500 after a refused Stripe call.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  startHostileStack,
  TEST_SERVER_API_KEY,
  type HostileStack,
} from '../support/fuzz-stack.ts';
import { request } from '../support/stack.ts';

const TOO_LONG = 'u'.repeat(201);
const LONGEST = 'v'.repeat(200);
const TOKEN_MESSAGE =
  "User ids must be at most 200 characters, Stripe's limit for client_reference_id";

describe('user ids within Stripe’s limits', () => {
  let stack: HostileStack;
  before(async () => {
    stack = await startHostileStack();
  });
  after(() => stack.close());

  const createSession = (userId: string, headers: Record<string, string> = {}) =>
    request(stack.apiUrl, 'POST', '/api/create-checkout-session', {
      body: { userId, planId: 'weekly' },
      headers,
    });

  it('answers seed 002 a 400 for a userId over 200 characters, anonymous or with the server key', async () => {
    const before = stack.writes();

    const anonymous = await createSession(TOO_LONG);
    const withKey = await createSession(TOO_LONG, {
      authorization: `Bearer ${TEST_SERVER_API_KEY}`,
    });

    for (const response of [anonymous, withKey]) {
      assert.equal(response.status, 400);
      assert.deepEqual(response.body, {
        error: 'userId must be at most 200 characters',
        code: 'user_id_too_long',
      });
    }
    assert.equal(stack.writes(), before, 'nothing half-written');
  });

  it('answers seed 000 a 400 for an access token whose sub is over 200 characters', async () => {
    const response = await request(stack.apiUrl, 'POST', '/payment/checkout', {
      token: await stack.tokenFor(TOO_LONG),
      body: { planId: 'plan_basic' },
    });

    assert.equal(response.status, 400);
    assert.deepEqual(response.body, {
      success: false,
      message: TOKEN_MESSAGE,
      code: 'user_id_too_long',
    });
  });

  it('answers seed 004 a 400 for an access token whose sub is longer than a metadata value may be', async () => {
    const response = await request(stack.apiUrl, 'POST', '/api/subscription/create-checkout', {
      token: await stack.tokenFor('w'.repeat(501)),
      body: { plan: 'PRO' },
    });

    assert.equal(response.status, 400);
    assert.deepEqual(response.body, {
      error: 'Bad Request',
      message: TOKEN_MESSAGE,
      code: 'user_id_too_long',
    });
  });

  it('sells to a 200-character user id, unverified or signed in, as Stripe’s client_reference_id', async () => {
    const anonymous = await createSession(LONGEST);
    const signedIn = await request(stack.apiUrl, 'POST', '/payment/checkout', {
      token: await stack.tokenFor(LONGEST),
      body: { planId: 'one-time' },
    });

    assert.equal(anonymous.status, 200, JSON.stringify(anonymous.body));
    assert.equal(signedIn.status, 200, JSON.stringify(signedIn.body));
    const unverified = await stack.stripe.checkout.sessions.retrieve(anonymous.body.sessionId);
    const verified = await stack.stripe.checkout.sessions.retrieve(signedIn.body.data.checkoutId);
    assert.equal(unverified.client_reference_id, LONGEST);
    assert.equal(unverified.metadata?.userId, LONGEST);
    assert.equal(verified.client_reference_id, LONGEST);
  });
});
