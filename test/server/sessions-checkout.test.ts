import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { request, startStack, type Stack } from '../support/stack.ts';

describe('POST /api/create-checkout-session (seed 002)', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack();
  });
  after(() => stack.close());

  it('answers the documented curl example with a session id, and the url beside it', async () => {
    const response = await request(stack.apiUrl, 'POST', '/api/create-checkout-session', {
      rawBody: `{
    "userId": "user_123abc",
    "planId": "weekly"
  }`,
      headers: { 'Content-Type': 'application/json' },
    });

    assert.equal(response.status, 200);
    assert.deepEqual(Object.keys(response.body), ['sessionId', 'url']);
    assert.match(response.body.sessionId, /^cs_test_/);
  });

  it("answers the url of Stripe's page, since Stripe.js no longer has redirectToCheckout", async () => {
    const { body } = await request(stack.apiUrl, 'POST', '/api/create-checkout-session', {
      body: { userId: 'user_redirect', planId: 'one-time' },
    });

    const session = await stack.stripe.checkout.sessions.retrieve(body.sessionId);
    assert.equal(body.url, session.url);
    const page = await fetch(body.url);
    assert.equal(page.status, 200);
  });

  it('configures weekly as a card-only subscription with the documented URLs and metadata', async () => {
    const { body } = await request(stack.apiUrl, 'POST', '/api/create-checkout-session', {
      body: { userId: 'user_weekly', planId: 'weekly' },
    });

    const session = await stack.stripe.checkout.sessions.retrieve(body.sessionId);
    assert.equal(session.mode, 'subscription');
    assert.deepEqual(session.payment_method_types, ['card']);
    assert.equal(
      session.success_url,
      `${stack.appUrl}/subscription/success?session_id={CHECKOUT_SESSION_ID}`,
    );
    assert.equal(session.cancel_url, `${stack.appUrl}/subscription?canceled=true`);
    assert.equal(session.client_reference_id, 'user_weekly');
    assert.equal(session.metadata?.userId, 'user_weekly');
    assert.equal(session.metadata?.planId, 'weekly');
    assert.equal(session.metadata?.verified, 'false', 'nobody vouched for the userId');
  });

  it('configures one-time as a payment', async () => {
    const { body } = await request(stack.apiUrl, 'POST', '/api/create-checkout-session', {
      body: { userId: 'user_lifetime', planId: 'one-time' },
    });

    const session = await stack.stripe.checkout.sessions.retrieve(body.sessionId);
    assert.equal(session.mode, 'payment');
    assert.equal(session.metadata?.planId, 'one-time');
  });

  it('answers 400 "Missing userId or planId" when either is missing', async () => {
    for (const body of [
      {},
      { userId: 'u1' },
      { planId: 'weekly' },
      { userId: '', planId: 'weekly' },
      { userId: 7, planId: 'weekly' },
    ]) {
      const response = await request(stack.apiUrl, 'POST', '/api/create-checkout-session', {
        body,
      });
      assert.equal(response.status, 400, JSON.stringify(body));
      assert.deepEqual(response.body, {
        error: 'Missing userId or planId',
        code: 'missing_parameters',
      });
    }
  });

  it('answers 400 naming the two plans for any other planId', async () => {
    const response = await request(stack.apiUrl, 'POST', '/api/create-checkout-session', {
      body: { userId: 'u1', planId: 'monthly' },
    });

    assert.equal(response.status, 400);
    assert.deepEqual(response.body, {
      error: 'Invalid planId. Must be "weekly" or "one-time"',
      code: 'invalid_plan',
    });
  });

  it('answers 500 "An error occurred" when Stripe keeps failing, and works again after', async () => {
    await stack.control.injectFaults({ count: 10, kind: 'error500' });

    const failed = await request(stack.apiUrl, 'POST', '/api/create-checkout-session', {
      body: { userId: 'user_fault', planId: 'one-time' },
    });
    await stack.control.injectFaults({ count: 0, kind: 'error500' });
    const retried = await request(stack.apiUrl, 'POST', '/api/create-checkout-session', {
      body: { userId: 'user_fault', planId: 'one-time' },
    });

    assert.equal(failed.status, 500);
    assert.deepEqual(failed.body, { error: 'An error occurred', code: 'checkout_failed' });
    assert.equal(retried.status, 200);
  });

  it('answers a body that is not JSON with its own 400 envelope', async () => {
    const response = await request(stack.apiUrl, 'POST', '/api/create-checkout-session', {
      rawBody: '{"userId": "u1", "planId": ',
      headers: { 'content-type': 'application/json' },
    });

    assert.equal(response.status, 400);
    assert.deepEqual(response.body, {
      error: 'Request body must be valid JSON',
      code: 'invalid_json',
    });
  });
});
