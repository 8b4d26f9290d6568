import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { syncBuiltinESMExports } from 'node:module';
import { after, before, describe, it, mock } from 'node:test';
import Koa from 'koa';
import Router from '@koa/router';
import { SignJWT } from 'jose';
import { AccessTokens } from '../../server/http/auth.ts';
import { allowedOriginCheck, corsFor } from '../../server/http/cors.ts';
import { errorHandler } from '../../server/http/error-handler.ts';
import { addressKey, RateLimiter, type Clock } from '../../server/http/rate-limit.ts';
import { ApiFailure, GenericFailure, plansApi, SessionFailure } from '../../shared/index.ts';
import { deliver, makeEvent } from '../support/events.ts';
import {
  secretsIn,
  startHostileStack,
  TEST_SERVER_API_KEY,
  type HostileStack,
} from '../support/fuzz-stack.ts';
import { request, TEST_AUTH_SECRET } from '../support/stack.ts';

const SITE = 'https://shop.example.com';

/** The local Stripe's queue of injected faults, read by adding (and removing) an inert one. */
async function pendingFaults(stack: HostileStack): Promise<unknown[]> {
  const probe = { kind: 'drop', path: '/v1/never-called' };
  const response = await fetch(`${stack.localStripeUrl}/_local/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ count: 1, ...probe }),
  });
  await stack.control.injectFaults({ count: 0, kind: 'drop', path: probe.path });
  const { pending } = (await response.json()) as { pending: { path: string | null }[] };
  return pending.filter((fault) => fault.path !== probe.path);
}

describe('browser access (CORS) and response headers', () => {
  let stack: HostileStack;
  before(async () => {
    stack = await startHostileStack({ env: { ALLOWED_ORIGINS: SITE } });
  });
  after(() => stack.close());

  it('lets an allowed origin call the API with its cookie', async () => {
    const preflight = await request(stack.apiUrl, 'OPTIONS', '/api/subscription/create-checkout', {
      headers: { origin: SITE, 'access-control-request-method': 'POST' },
    });
    const actual = await request(stack.apiUrl, 'GET', '/api/plans', { headers: { origin: SITE } });

    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get('access-control-allow-origin'), SITE);
    assert.equal(preflight.headers.get('access-control-allow-credentials'), 'true');
    assert.equal(actual.headers.get('access-control-allow-origin'), SITE);
    assert.match(actual.headers.get('vary') ?? '', /Origin/);
  });

  it('gives any other origin no CORS headers, on the preflight or on the request', async () => {
    for (const origin of [
      'https://evil.example.com',
      'https://shop.example.com.evil.com',
      'http://shop.example.com',
      'null',
    ]) {
      const preflight = await request(stack.apiUrl, 'OPTIONS', '/payment/checkout', {
        headers: { origin, 'access-control-request-method': 'POST' },
      });
      const actual = await request(stack.apiUrl, 'GET', '/api/plans', { headers: { origin } });

      assert.equal(preflight.headers.get('access-control-allow-origin'), null, origin);
      assert.equal(preflight.headers.get('access-control-allow-credentials'), null, origin);
      assert.equal(actual.headers.get('access-control-allow-origin'), null, origin);
    }
  });

  it('never lets a sandboxed iframe (Origin: null) read a buyer’s data, even with chrome-extension:// listed', async () => {
    // An opaque origin such as an extension's parses to "null", the very Origin that sandboxed
    // iframes and data: pages on any site send.
    const extension = new URL('chrome-extension://abcdefghijklmnopabcdefghijklmnop').origin;
    const app = new Koa();
    app.use(corsFor(allowedOriginCheck([SITE, extension])));
    app.use((ctx) => {
      ctx.body = { userId: 'buyer' };
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    try {
      const preflight = await request(url, 'OPTIONS', '/api/subscription', {
        headers: { origin: 'null', 'access-control-request-method': 'GET' },
      });
      const read = await request(url, 'GET', '/api/subscription', { headers: { origin: 'null' } });
      const listed = await request(url, 'GET', '/api/subscription', { headers: { origin: SITE } });

      assert.equal(preflight.headers.get('access-control-allow-origin'), null);
      assert.equal(read.headers.get('access-control-allow-origin'), null);
      assert.equal(read.headers.get('access-control-allow-credentials'), null);
      assert.equal(listed.headers.get('access-control-allow-origin'), SITE);
    } finally {
      server.close();
    }
  });

  it('sends the security headers on answers, errors and unknown routes', async () => {
    const token = await stack.tokenFor('headers-user');
    const responses = [
      await request(stack.apiUrl, 'GET', '/api/plans'),
      await request(stack.apiUrl, 'GET', '/api/subscription', { token }),
      await request(stack.apiUrl, 'POST', '/payment/checkout', { body: {} }),
      await request(stack.apiUrl, 'GET', '/no/such/route'),
      await request(stack.apiUrl, 'PROPFIND', '/payment/checkout'),
    ];

    for (const response of responses) {
      assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(response.headers.get('x-frame-options'), 'DENY');
      assert.equal(response.headers.get('referrer-policy'), 'strict-origin-when-cross-origin');
      assert.equal(response.headers.get('cross-origin-opener-policy'), 'same-origin');
      assert.match(response.headers.get('x-request-id') ?? '', /^[\w.-]{1,64}$/);
    }
  });

  it('keeps a buyer’s own answers out of shared caches, but lets the price list be cached', async () => {
    const token = await stack.tokenFor('cache-user');

    const account = await request(stack.apiUrl, 'GET', '/api/subscription', { token });
    const created = await request(stack.apiUrl, 'POST', '/payment/checkout', {
      token,
      body: { planId: 'weekly' },
    });
    const plans = await request(stack.apiUrl, 'GET', '/api/plans');

    assert.equal(account.headers.get('cache-control'), 'no-store');
    assert.equal(created.headers.get('cache-control'), 'no-store');
    assert.equal(plans.headers.get('cache-control'), 'public, max-age=60');
  });

  it('answers a method no route knows with 405 and the methods it does know, not a 5xx', async () => {
    const response = await request(stack.apiUrl, 'PURGE', '/api/plans');

    assert.equal(response.status, 405);
    assert.equal(response.headers.get('allow'), 'HEAD, GET');
    assert.deepEqual(ApiFailure.parse(response.body).error, 'Method Not Allowed');
  });
});

describe('return URLs (no open redirect)', () => {
  let stack: HostileStack;
  let token: string;
  before(async () => {
    stack = await startHostileStack({ env: { ALLOWED_ORIGINS: SITE } });
    token = await stack.tokenFor('redirect-user');
  });
  after(() => stack.close());

  it('refuses success and cancel URLs that only look like an allowed origin, writing nothing', async () => {
    const lookalikes = [
      'https://shop.example.com.evil.com/thanks',
      'https://shop.example.com@evil.com/thanks',
      'https://evil.com/?https://shop.example.com',
      'https://evil.com#https://shop.example.com',
      'http://shop.example.com/thanks',
      'https://shop.example.com:8443/thanks',
      'https://sh\u043ep.example.com/thanks', // a Cyrillic о
      'javascript:alert(document.cookie)//https://shop.example.com',
      'data:text/html,<script>alert(1)</script>',
      '//evil.com/thanks',
      '/relative/thanks',
    ];
    const before = stack.writes();

    for (const url of lookalikes) {
      for (const field of ['successUrl', 'cancelUrl']) {
        const response = await request(stack.apiUrl, 'POST', '/payment/checkout', {
          token,
          body: { planId: 'plan_basic', [field]: url },
        });
        assert.equal(response.status, 400, `${field} ${url}`);
        GenericFailure.parse(response.body);
      }
    }

    assert.equal(stack.writes(), before);
  });

  it('hands an allowed URL to Stripe exactly as given', async () => {
    const successUrl = `${SITE}/thanks?session_id={CHECKOUT_SESSION_ID}`;
    const cancelUrl = `${SITE}/pricing`;

    const response = await request(stack.apiUrl, 'POST', '/payment/checkout', {
      token,
      body: { planId: 'plan_basic', successUrl, cancelUrl },
    });

    assert.equal(response.status, 200);
    const session = await stack.stripe.checkout.sessions.retrieve(response.body.data.checkoutId);
    assert.equal(session.success_url, successUrl);
    assert.equal(session.cancel_url, cancelUrl);
  });
});

describe('rate limits on the checkout routes', () => {
  let stack: HostileStack;
  // Each test speaks from its own address, through one trusted proxy, so budgets do not mix.
  const from = (address: string) => ({ 'x-forwarded-for': `${address}, 10.0.0.1` });
  before(async () => {
    stack = await startHostileStack({
      env: {
        RATE_LIMIT_PER_MINUTE: '3',
        RATE_LIMIT_PER_IP_PER_MINUTE: '6',
        TRUST_PROXY_HOPS: '2',
      },
    });
  });
  after(() => stack.close());

  function assertRetryAfter(response: { headers: Headers }, message: string): void {
    const seconds = Number(response.headers.get('retry-after'));
    assert.ok(Number.isInteger(seconds) && seconds >= 1 && seconds <= 60, `Retry-After ${seconds}`);
    assert.equal(message, `Too many requests. Try again in ${seconds} seconds.`);
  }

  it('answers a buyer’s fourth checkout in a minute with 429 and Retry-After (seed 000)', async () => {
    const token = await stack.tokenFor('rl-generic');
    const send = () =>
      request(stack.apiUrl, 'POST', '/payment/checkout', {
        token,
        body: { planId: 'plan_basic' },
        headers: from('198.51.100.1'),
      });
    const allowed = [await send(), await send(), await send()];

    const refused = await send();

    assert.deepEqual(
      allowed.map((r) => r.status),
      [200, 200, 200],
    );
    assert.equal(refused.status, 429);
    const body = GenericFailure.parse(refused.body);
    assertRetryAfter(refused, body.message);
  });

  it('never lets anonymous requests naming a buyer use up that buyer’s own budget', async () => {
    const name = (i: number) =>
      request(stack.apiUrl, 'POST', '/api/create-checkout-session', {
        body: { userId: 'rl-victim', planId: 'nope' },
        headers: from(`198.51.100.${20 + i}`),
      });
    for (let i = 0; i < 4; i++) await name(i);

    const victim = await request(stack.apiUrl, 'POST', '/payment/checkout', {
      token: await stack.tokenFor('rl-victim'),
      body: { planId: 'plan_basic' },
      headers: from('198.51.100.30'),
    });

    assert.equal(victim.status, 200);
  });

  it('answers in the subscription dialect’s envelope (seed 004)', async () => {
    const token = await stack.tokenFor('rl-subscription');
    const send = () =>
      request(stack.apiUrl, 'POST', '/api/subscription/create-checkout', {
        token,
        body: { plan: 'BASIC' },
        headers: from('198.51.100.2'),
      });
    for (let i = 0; i < 3; i++) assert.equal((await send()).status, 200);

    const refused = await send();

    assert.equal(refused.status, 429);
    const body = ApiFailure.parse(refused.body);
    assert.equal(body.error, 'Too Many Requests');
    assertRetryAfter(refused, body.message);
  });

  it('counts the buyer named in the body of the weekly/one-time dialect (seed 002)', async () => {
    const send = (userId: string) =>
      request(stack.apiUrl, 'POST', '/api/create-checkout-session', {
        body: { userId, planId: 'weekly' },
        headers: from('198.51.100.3'),
      });
    for (let i = 0; i < 3; i++) assert.equal((await send('rl-sessions')).status, 200);

    const refused = await send('rl-sessions');
    const otherBuyer = await send('rl-sessions-other');

    assert.equal(refused.status, 429);
    assertRetryAfter(refused, SessionFailure.parse(refused.body).error);
    assert.equal(otherBuyer.status, 200);
  });

  it('limits one address across buyers, and other addresses not at all', async () => {
    const send = async (userId: string, address: string) =>
      request(stack.apiUrl, 'POST', '/payment/checkout', {
        token: await stack.tokenFor(userId),
        body: { planId: 'weekly' },
        headers: from(address),
      });
    for (let i = 0; i < 6; i++)
      assert.equal((await send(`rl-office-${i}`, '198.51.100.4')).status, 200);

    const seventh = await send('rl-office-6', '198.51.100.4');
    const elsewhere = await send('rl-office-6', '198.51.100.5');

    assert.equal(seventh.status, 429);
    assert.equal(elsewhere.status, 200);
  });

  it('limits promotion-code checks per address, so codes cannot be guessed', async () => {
    const check = (code: string) =>
      request(stack.apiUrl, 'GET', `/api/promotion-codes/${code}?plan=PRO`, {
        headers: from('198.51.100.6'),
      });
    for (let i = 0; i < 6; i++) assert.equal((await check(`GUESS${i}`)).status, 200);

    const refused = await check('GUESS6');

    assert.equal(refused.status, 429);
    assert.equal(ApiFailure.parse(refused.body).error, 'Too Many Requests');
  });

  it('refuses before touching Stripe or the database', async () => {
    const token = await stack.tokenFor('rl-quiet');
    const send = (planId: string) =>
      request(stack.apiUrl, 'POST', '/payment/checkout', {
        token,
        body: { planId },
        headers: from('198.51.100.7'),
      });
    for (const planId of ['plan_basic', 'plan_professional', 'weekly']) await send(planId);
    const writes = stack.writes();
    // A fault waiting for the next Stripe call: still waiting afterwards means no call was made.
    await stack.control.injectFaults({ count: 1, kind: 'error500' });

    const refused = await send('plan_professional_annual');
    const pending = await pendingFaults(stack);
    await stack.control.injectFaults({ count: 0, kind: 'error500' });

    assert.equal(refused.status, 429);
    assert.equal(stack.writes(), writes);
    assert.deepEqual(pending, [{ kind: 'error500', remaining: 1, path: null }]);
  });

  it('does not let a forged user id in an invalid token use up a real buyer’s budget', async () => {
    const victim = await stack.tokenFor('rl-victim');
    const forged = (await stack.tokenFor('rl-victim')).replace(/.{4}$/, 'AAAA');
    for (let i = 0; i < 5; i++) {
      const attack = await request(stack.apiUrl, 'POST', '/payment/checkout', {
        token: forged,
        body: { planId: 'weekly' },
        headers: from(`198.51.100.${20 + i}`),
      });
      assert.equal(attack.status, 401);
    }

    const response = await request(stack.apiUrl, 'POST', '/payment/checkout', {
      token: victim,
      body: { planId: 'weekly' },
      headers: from('198.51.100.30'),
    });

    assert.equal(response.status, 200);
  });
});

describe('rate limit mechanics', () => {
  const tokens = new AccessTokens(TEST_AUTH_SECRET);

  it('ignores X-Forwarded-For unless a proxy is trusted, so it cannot be used to dodge the limit', async () => {
    const stack = await startHostileStack({
      env: { RATE_LIMIT_PER_MINUTE: '1', RATE_LIMIT_PER_IP_PER_MINUTE: '2' },
    });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) {
        const response = await request(
          stack.apiUrl,
          'GET',
          '/api/promotion-codes/LAUNCH20?plan=PRO',
          {
            headers: { 'x-forwarded-for': `203.0.113.${i}` },
          },
        );
        statuses.push(response.status);
      }

      assert.deepEqual(statuses, [200, 200, 429]);
    } finally {
      await stack.close();
    }
  });

  it('lets a client back in as its bucket refills', async () => {
    let now = 1_000_000;
    const clock: Clock = { now: () => now, every: () => () => {} };
    const limiter = new RateLimiter({ perUser: 100, perAddress: 2, trustedProxyHops: 0 }, clock);
    const app = new Koa();
    app.use(errorHandler());
    const router = new Router();
    router.get(plansApi.checkPromotionCode.path, async (ctx) => {
      await limiter.spend(ctx, plansApi.checkPromotionCode, tokens);
      ctx.body = { ok: true };
    });
    app.use(router.routes());
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    const check = async () => (await request(url, 'GET', '/api/promotion-codes/CODE')).status;
    try {
      const burst = [await check(), await check(), await check()];
      now += 29_000;
      const tooSoon = await check();
      now += 31_000;
      const refilled = await check();

      assert.deepEqual(burst, [200, 200, 429]);
      assert.equal(tooSoon, 429);
      assert.equal(refilled, 200);
    } finally {
      server.close();
    }
  });

  it('treats one IPv6 /64 as one client, and IPv4-mapped addresses as IPv4', () => {
    assert.equal(addressKey('2001:db8:1:2:aaaa::1'), addressKey('2001:0db8:0001:0002:ffff:1:2:3'));
    assert.notEqual(addressKey('2001:db8:1:2::1'), addressKey('2001:db8:1:3::1'));
    assert.equal(addressKey('::ffff:192.0.2.7'), '192.0.2.7');
    assert.equal(addressKey('::1'), addressKey('0:0:0:0:0:0:0:1'));
    assert.equal(typeof addressKey('not:an:address:::::::::::::'), 'string');
  });
});

describe('body size, keys and tokens', () => {
  let stack: HostileStack;
  before(async () => {
    stack = await startHostileStack();
  });
  after(() => stack.close());

  it('refuses a JSON body over 16 kB in each dialect, writing nothing', async () => {
    const token = await stack.tokenFor('big-body');
    const padding = 'x'.repeat(17 * 1024);
    const before = stack.writes();

    const generic = await request(stack.apiUrl, 'POST', '/payment/checkout', {
      token,
      body: { planId: 'weekly', padding },
    });
    const sessions = await request(stack.apiUrl, 'POST', '/api/create-checkout-session', {
      body: { userId: 'big-body', planId: 'weekly', padding },
    });
    const subscription = await request(stack.apiUrl, 'POST', '/api/subscription/create-checkout', {
      token,
      body: { plan: 'PRO', padding },
    });

    const message = 'Request body must be at most 16 kB';
    assert.deepEqual([generic.status, sessions.status, subscription.status], [400, 400, 400]);
    const code = 'body_too_large';
    assert.deepEqual(generic.body, { success: false, message, code });
    assert.deepEqual(sessions.body, { error: message, code });
    assert.deepEqual(subscription.body, { error: 'Bad Request', message, code });
    assert.equal(stack.writes(), before);
  });

  it('refuses a webhook body over 1 MB, signed or not, writing nothing', async () => {
    const event = makeEvent('customer.created', {
      id: 'cus_big',
      padding: 'x'.repeat(1024 * 1024),
    });
    const before = stack.writes();

    const response = await deliver(stack, event);

    assert.equal(response.status, 400);
    assert.deepEqual(response.body, {
      error: 'Bad Request',
      message: 'Webhook body could not be read',
      code: 'body_unreadable',
    });
    assert.equal(stack.writes(), before);
  });

  it('checks the server API key with a constant-time comparison, refusing near misses', async () => {
    const ask = (key: string) =>
      request(stack.apiUrl, 'GET', '/api/entitlements/someone', {
        headers: { authorization: `Bearer ${key}` },
      });
    const compare = mock.method(crypto, 'timingSafeEqual');
    syncBuiltinESMExports();
    try {
      const nearMisses = [
        TEST_SERVER_API_KEY.slice(0, -1),
        `${TEST_SERVER_API_KEY}f`,
        TEST_SERVER_API_KEY.replace(/.$/, 'g'),
        TEST_SERVER_API_KEY.toUpperCase(),
      ];
      for (const key of nearMisses) assert.equal((await ask(key)).status, 401, key);
      const right = await ask(TEST_SERVER_API_KEY);

      assert.equal(right.status, 200);
      assert.ok(compare.mock.callCount() >= nearMisses.length + 1);
    } finally {
      compare.mock.restore();
      syncBuiltinESMExports();
    }
  });

  it('pins access tokens to HS256: other algorithms are refused even with the right secret', async () => {
    const secret = new TextEncoder().encode(TEST_AUTH_SECRET);
    const exp = Math.floor(Date.now() / 1000) + 3600;
    const signed = (alg: string) =>
      new SignJWT({})
        .setProtectedHeader({ alg })
        .setSubject('alg-user')
        .setAudience('tilldrop')
        .setIssuedAt()
        .setExpirationTime(exp)
        .sign(secret);
    const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const hs256 = await signed('HS256');
    const [, payload, signature] = hs256.split('.');
    const tokens = [
      await signed('HS384'),
      await signed('HS512'),
      // The HS256 signature relabelled: an algorithm-confusion attempt on a verifier that trusts `alg`.
      `${encode({ alg: 'RS256', typ: 'JWT' })}.${payload}.${signature}`,
      `${encode({ alg: 'none' })}.${payload}.`,
      `${encode({ alg: 'None' })}.${payload}.`,
      `${encode({ alg: 'NONE' })}.${payload}.${signature}`,
      `${encode({ alg: 'HS256', crit: ['b64'], b64: false })}.${payload}.${signature}`,
    ];

    for (const token of tokens) {
      const response = await request(stack.apiUrl, 'GET', '/api/subscription', { token });
      assert.equal(response.status, 401, token.split('.')[0]);
    }
    assert.equal(
      (await request(stack.apiUrl, 'GET', '/api/subscription', { token: hs256 })).status,
      200,
    );
  });
});

describe('logs', () => {
  let stack: HostileStack;
  before(async () => {
    stack = await startHostileStack({ env: { ALLOWED_ORIGINS: SITE } });
  });
  after(() => stack.close());

  const requestLines = () =>
    stack.logs.map((line) => JSON.parse(line)).filter((entry) => entry.msg === 'request');

  it('writes one structured line per request, with the request id it answers with', async () => {
    const response = await request(stack.apiUrl, 'GET', '/api/plans');

    const id = response.headers.get('x-request-id');
    const lines = requestLines().filter((entry) => entry.requestId === id);
    assert.equal(lines.length, 1);
    assert.equal(lines[0].method, 'GET');
    assert.equal(lines[0].path, '/api/plans');
    assert.equal(lines[0].status, 200);
    assert.equal(typeof lines[0].ms, 'number');
  });

  it('logs the status the client was answered with, errors included', async () => {
    const refused = await request(stack.apiUrl, 'POST', '/payment/checkout', {
      body: { planId: 'weekly' },
    });
    const missing = await request(stack.apiUrl, 'GET', '/api/no-such-route');

    const statusOf = (response: { headers: Headers }) =>
      requestLines().find((entry) => entry.requestId === response.headers.get('x-request-id'))
        ?.status;
    assert.equal(refused.status, 401);
    assert.equal(statusOf(refused), 401);
    assert.equal(statusOf(missing), 404);
  });

  it('keeps a well-formed request id from the client and replaces anything else', async () => {
    const kept = await request(stack.apiUrl, 'GET', '/api/plans', {
      headers: { 'x-request-id': 'edge-7f3a.1' },
    });
    const replaced = await request(stack.apiUrl, 'GET', '/api/plans', {
      headers: { 'x-request-id': '"}, {"level":60,"msg":"forged' },
    });

    assert.equal(kept.headers.get('x-request-id'), 'edge-7f3a.1');
    assert.match(replaced.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
    assert.ok(stack.logs.every((line) => !line.includes('forged')));
  });

  it('never writes a secret or token, even while requests fail', async () => {
    const token = await stack.tokenFor('log-user');
    // Every way a credential reaches the server, on answers that succeed and answers that fail.
    await request(stack.apiUrl, 'POST', '/payment/checkout', { token, body: { planId: 'weekly' } });
    await request(stack.apiUrl, 'POST', '/api/subscription/create-checkout', {
      cookie: `access_token=${token}`,
      body: { plan: 'PRO', promotionCode: 'LAUNCH20' },
    });
    await request(stack.apiUrl, 'GET', '/api/subscription', { token: `${token}x` });
    await request(stack.apiUrl, 'GET', '/api/payments?limit=nope', { token });
    await request(stack.apiUrl, 'GET', '/api/entitlements/log-user', {
      headers: { authorization: `Bearer ${TEST_SERVER_API_KEY}` },
    });
    await request(stack.apiUrl, 'GET', '/api/entitlements/log-user', {
      headers: { authorization: `Bearer ${TEST_SERVER_API_KEY}x` },
    });
    await request(stack.apiUrl, 'POST', '/demo/session', { body: { userId: 'log-demo' } });
    await deliver(stack, makeEvent('customer.created', { id: 'cus_log', object: 'customer' }));
    await deliver(stack, makeEvent('customer.created', { id: 'cus_log2' }), {
      secret: 'whsec_wrongsecret',
    });
    // Stripe failing: the 500s are logged with their error, which must not carry the API key.
    await stack.control.injectFaults({ count: 6, kind: 'error500' });
    await request(stack.apiUrl, 'POST', '/payment/checkout', {
      token: await stack.tokenFor('log-user-2'),
      body: { planId: 'plan_basic', successUrl: `${SITE}/thanks` },
    });
    await request(stack.apiUrl, 'POST', '/api/create-checkout-session', {
      body: { userId: 'log-user-3', planId: 'one-time' },
    });
    await stack.control.injectFaults({ count: 0, kind: 'error500' });

    const errors = stack.logs.map((line) => JSON.parse(line)).filter((entry) => entry.level >= 50);
    assert.ok(errors.length >= 2, 'the failures were logged');
    assert.deepEqual(secretsIn(stack.logs, stack), []);
  });
});
