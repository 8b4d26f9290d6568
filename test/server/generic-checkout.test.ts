import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CheckoutResponse, CheckoutStateResponse, GenericFailure } from '../../shared/index.ts';
import { request, startStack, type Stack } from '../support/stack.ts';

describe('POST /payment/checkout and GET /payment/checkout/{id} (seed 000)', () => {
  let stack: Stack;
  let token: string;
  before(async () => {
    stack = await startStack();
    token = await stack.tokenFor('user-generic');
  });
  after(() => stack.close());

  it('creates a session for plan_professional with the documented envelope', async () => {
    const response = await request(stack.apiUrl, 'POST', '/payment/checkout', {
      token,
      body: { planId: 'plan_professional' },
    });

    assert.equal(response.status, 200);
    const body = CheckoutResponse.parse(response.body);
    assert.equal(body.message, 'Checkout session created successfully');
    assert.match(body.data.checkoutId, /^cs_test_/);
    assert.ok(body.data.checkoutUrl.includes(body.data.checkoutId));
    const hoursLeft = (Date.parse(body.data.expiresAt) - Date.now()) / 3_600_000;
    assert.ok(hoursLeft > 23.5 && hoursLeft <= 24, `expires in ${hoursLeft} hours`);
  });

  it('builds the Stripe session from the catalog, never from the client', async () => {
    const created = await request(stack.apiUrl, 'POST', '/payment/checkout', {
      token,
      body: { planId: 'plan_basic_annual' },
    });

    const session = await stack.stripe.checkout.sessions.retrieve(created.body.data.checkoutId, {
      expand: ['line_items'],
    });
    assert.equal(session.mode, 'subscription');
    assert.equal(session.client_reference_id, 'user-generic');
    assert.deepEqual(session.metadata, {
      userId: 'user-generic',
      planId: 'plan_basic_annual',
      plan: 'BASIC',
      billing: 'annual',
      verified: 'true',
      tilldropInstance: stack.running.storage.instanceId,
    });
    assert.equal(session.line_items?.data[0]?.price?.lookup_key, 'plan_basic_annual');
    assert.equal(session.allow_promotion_codes ?? false, false);
    assert.match(String(session.customer), /^cus_/);
  });

  it('answers 400 "Invalid plan ID provided" when planId is missing or not a string', async () => {
    for (const body of [{}, { planId: 42 }, { planId: '' }, { planId: '../../etc' }]) {
      const response = await request(stack.apiUrl, 'POST', '/payment/checkout', { token, body });
      assert.equal(response.status, 400);
      assert.deepEqual(response.body, {
        success: false,
        message: 'Invalid plan ID provided',
        code: 'invalid_plan',
      });
    }
  });

  it('answers 401 "Authentication required" without a token', async () => {
    const response = await request(stack.apiUrl, 'POST', '/payment/checkout', {
      body: { planId: 'plan_professional' },
    });

    assert.equal(response.status, 401);
    assert.deepEqual(response.body, {
      success: false,
      message: 'Authentication required',
      code: 'authentication_required',
    });
  });

  it('answers 404 "Plan not found or inactive" for a plan the catalog does not sell', async () => {
    const response = await request(stack.apiUrl, 'POST', '/payment/checkout', {
      token,
      body: { planId: 'plan_enterprise' },
    });

    assert.equal(response.status, 404);
    assert.deepEqual(GenericFailure.parse(response.body), {
      success: false,
      message: 'Plan not found or inactive',
      code: 'plan_unavailable',
    });
  });

  it('returns the session state to its owner, with the url while it is open', async () => {
    const created = await request(stack.apiUrl, 'POST', '/payment/checkout', {
      token,
      body: { planId: 'weekly' },
    });

    const response = await request(
      stack.apiUrl,
      'GET',
      `/payment/checkout/${created.body.data.checkoutId}`,
      { token },
    );

    assert.equal(response.status, 200);
    const { data } = CheckoutStateResponse.parse(response.body);
    assert.equal(data.status, 'open');
    assert.equal(data.paymentStatus, 'unpaid');
    assert.equal(data.planId, 'weekly');
    assert.equal(data.checkoutUrl, created.body.data.checkoutUrl);
    assert.equal(data.fulfilled, false);
    assert.deepEqual([data.currency, data.amountSubtotal, data.amountTotal], ['usd', 499, 499]);
  });

  it('hides a session from anyone but its owner', async () => {
    const created = await request(stack.apiUrl, 'POST', '/payment/checkout', {
      token,
      body: { planId: 'one-time' },
    });
    const stranger = await stack.tokenFor('someone-else');

    const response = await request(
      stack.apiUrl,
      'GET',
      `/payment/checkout/${created.body.data.checkoutId}`,
      { token: stranger },
    );

    assert.equal(response.status, 404);
    assert.deepEqual(response.body, {
      success: false,
      message: 'Checkout session not found',
      code: 'session_not_found',
    });
  });

  it('refuses a success URL on an origin that is not allowed', async () => {
    const response = await request(stack.apiUrl, 'POST', '/payment/checkout', {
      token,
      body: { planId: 'plan_basic', successUrl: 'https://evil.example/steal' },
    });

    assert.equal(response.status, 400);
    assert.deepEqual(response.body, {
      success: false,
      message: 'successUrl must be on an allowed origin',
      code: 'url_not_allowed',
    });
  });

  it('reuses the customer across sessions of the same user', async () => {
    const first = await request(stack.apiUrl, 'POST', '/payment/checkout', {
      token,
      body: { planId: 'plan_basic' },
    });
    const second = await request(stack.apiUrl, 'POST', '/payment/checkout', {
      token,
      body: { planId: 'plan_professional_annual' },
    });

    const [a, b] = await Promise.all(
      [first, second].map((r) => stack.stripe.checkout.sessions.retrieve(r.body.data.checkoutId)),
    );
    assert.equal(a!.customer, b!.customer);
    const customers = await stack.stripe.customers.search({
      query: "metadata['userId']:'user-generic'",
    });
    assert.equal(customers.data.length, 1);
  });
});
