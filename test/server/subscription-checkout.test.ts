import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SignJWT } from 'jose';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { SubscriptionCheckoutCreated } from '../../shared/index.ts';
import { request, startStack, TEST_AUTH_SECRET, type Stack } from '../support/stack.ts';

const PATH = '/api/subscription/create-checkout';

describe('POST /api/subscription/create-checkout (seed 004)', () => {
  let stack: Stack;
  let token: string;
  before(async () => {
    stack = await startStack();
    token = await stack.tokenFor('user-pro');
  });
  after(() => stack.close());

  it('answers the documented example, sent verbatim with its cookie', async () => {
    const response = await request(stack.apiUrl, 'POST', PATH, {
      headers: { 'Content-Type': 'application/json', Cookie: `access_token=${token}` },
      rawBody: `{
    "plan": "PRO",
    "promotionCode": "PROMO2024",
    "billing": "annual"
  }`,
    });

    assert.equal(response.status, 200);
    const body = SubscriptionCheckoutCreated.parse(response.body);
    assert.equal(body.message, 'Checkout session created successfully');
    assert.ok(body.url.includes(body.sessionId));
    const session = await stack.stripe.checkout.sessions.retrieve(body.sessionId, {
      expand: ['line_items'],
    });
    assert.equal(session.line_items?.data[0]?.price?.lookup_key, 'plan_professional_annual');
    assert.equal(session.discounts?.length, 1);
    assert.equal(session.metadata?.billing, 'annual');
  });

  it('defaults to monthly billing', async () => {
    const response = await request(stack.apiUrl, 'POST', PATH, { token, body: { plan: 'BASIC' } });

    const session = await stack.stripe.checkout.sessions.retrieve(response.body.sessionId, {
      expand: ['line_items'],
    });
    assert.equal(session.line_items?.data[0]?.price?.lookup_key, 'plan_basic');
  });

  it('upper-cases the promotion code and applies it as a discount', async () => {
    const response = await request(stack.apiUrl, 'POST', PATH, {
      token,
      body: { plan: 'BASIC', promotionCode: ' launch20 ' },
    });

    assert.equal(response.status, 200);
    const session = await stack.stripe.checkout.sessions.retrieve(response.body.sessionId);
    assert.equal(session.total_details?.amount_discount, 180);
    assert.equal(session.amount_total, 720);
  });

  const refusals: [string, object, string][] = [
    [
      'an unknown code',
      { plan: 'PRO', promotionCode: 'NOPE2024' },
      'Promotion code NOPE2024 does not exist',
    ],
    [
      'an expired code',
      { plan: 'PRO', promotionCode: 'EXPIRED10' },
      'Promotion code EXPIRED10 has expired',
    ],
    [
      'a code for annual billing on a monthly plan',
      { plan: 'PRO', billing: 'monthly', promotionCode: 'ANNUAL50' },
      'Promotion code ANNUAL50 does not apply to this plan. It applies to annual billing only.',
    ],
    [
      'a code too short',
      { plan: 'PRO', promotionCode: 'AB' },
      'A promotion code is 3 to 50 letters, digits or dashes',
    ],
    [
      'a code too long',
      { plan: 'PRO', promotionCode: 'A'.repeat(51) },
      'A promotion code is 3 to 50 letters, digits or dashes',
    ],
  ];
  for (const [what, body, message] of refusals) {
    it(`refuses ${what} with a 400 that says why`, async () => {
      const response = await request(stack.apiUrl, 'POST', PATH, { token, body });

      assert.equal(response.status, 400);
      assert.deepEqual(response.body, {
        error: 'Bad Request',
        message,
        code: 'promotion_code_invalid',
      });
    });
  }

  it('answers 400 "Invalid plan. Must be BASIC or PRO" for any other plan', async () => {
    for (const plan of ['ENTERPRISE', 'pro', 7, undefined]) {
      const response = await request(stack.apiUrl, 'POST', PATH, { token, body: { plan } });
      assert.equal(response.status, 400);
      assert.deepEqual(response.body, {
        error: 'Bad Request',
        message: 'Invalid plan. Must be BASIC or PRO',
        code: 'invalid_plan',
      });
    }
  });

  it('answers 400 naming the billing periods for any other billing', async () => {
    const response = await request(stack.apiUrl, 'POST', PATH, {
      token,
      body: { plan: 'PRO', billing: 'weekly' },
    });

    assert.equal(response.status, 400);
    assert.deepEqual(response.body, {
      error: 'Bad Request',
      message: 'Invalid billing. Must be monthly or annual',
      code: 'invalid_billing',
    });
  });

  it('answers 500 "Failed to create checkout session" when Stripe keeps failing', async () => {
    await stack.control.injectFaults({ count: 10, kind: 'error500' });
    const response = await request(stack.apiUrl, 'POST', PATH, {
      token: await stack.tokenFor('fault-user'),
      body: { plan: 'PRO' },
    });
    await stack.control.injectFaults({ count: 0, kind: 'error500' });

    assert.equal(response.status, 500);
    assert.deepEqual(response.body, {
      error: 'Internal Server Error',
      message: 'Failed to create checkout session',
      code: 'checkout_failed',
    });
  });

  it('returns the same session for a retried Idempotency-Key, even twice at once', async () => {
    const send = () =>
      request(stack.apiUrl, 'POST', PATH, {
        token,
        body: { plan: 'PRO', billing: 'annual' },
        headers: { 'Idempotency-Key': 'click-7' },
      });

    const [a, b] = await Promise.all([send(), send()]);
    const c = await send();

    assert.equal(a.status, 200);
    assert.equal(a.body.sessionId, b.body.sessionId);
    assert.equal(a.body.sessionId, c.body.sessionId);
  });
});

describe('access tokens on the checkout routes', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack();
  });
  after(() => stack.close());

  const send = (headers: Record<string, string>) =>
    request(stack.apiUrl, 'POST', PATH, { headers, body: { plan: 'PRO' } });
  const unauthorized = {
    error: 'Unauthorized',
    message: 'Authentication required',
    code: 'authentication_required',
  };

  it('accepts a token printed by npm run token, as a site owner would mint one', async () => {
    const printed = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'scripts/token.ts', 'token-user'],
      { env: { ...process.env, AUTH_SECRET: TEST_AUTH_SECRET } },
    );

    const response = await send({ cookie: `access_token=${printed.stdout.trim()}` });

    assert.equal(response.status, 200);
  });

  it('answers 401 "Authentication required" without a token', async () => {
    const response = await send({});

    assert.equal(response.status, 401);
    assert.deepEqual(response.body, unauthorized);
  });

  it('answers 401 "Access token expired" for an expired token', async () => {
    const expired = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('user-1')
      .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
      .sign(new TextEncoder().encode(TEST_AUTH_SECRET));

    const response = await send({ cookie: `access_token=${expired}` });

    assert.equal(response.status, 401);
    assert.deepEqual(response.body, {
      error: 'Unauthorized',
      message: 'Access token expired',
      code: 'token_expired',
    });
  });

  it('refuses a token signed with another secret', async () => {
    const forged = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('user-1')
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode('another-secret-that-is-also-long-enough-000'));

    const response = await send({ authorization: `Bearer ${forged}` });

    assert.equal(response.status, 401);
    assert.deepEqual(response.body, unauthorized);
  });

  it('refuses an unsigned alg:none token and one without an expiry', async () => {
    const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const exp = Math.floor(Date.now() / 1000) + 3600;
    const none = `${encode({ alg: 'none', typ: 'JWT' })}.${encode({ sub: 'user-1', exp })}.`;
    const noExpiry = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('user-1')
      .sign(new TextEncoder().encode(TEST_AUTH_SECRET));

    for (const token of [none, noExpiry, 'not-a-token']) {
      const response = await send({ authorization: `Bearer ${token}` });
      assert.equal(response.status, 401);
      assert.deepEqual(response.body, unauthorized);
    }
  });
});
