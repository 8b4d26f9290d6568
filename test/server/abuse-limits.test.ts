// What an abuser can spend: the server's memory (rate-limit tables fed with new addresses and huge
// names) and the merchant's Stripe rate limit (routes that ask Stripe on every request, polled).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import Koa from 'koa';
import Router from '@koa/router';
import { parseEnv } from '../../server/config.ts';
import { AccessTokens } from '../../server/http/auth.ts';
import { jsonBody } from '../../server/http/body.ts';
import { errorHandler } from '../../server/http/error-handler.ts';
import { RateLimiter, type Clock, type RateLimits } from '../../server/http/rate-limit.ts';
import { LocalStripeControl } from '@tilldrop/local-stripe/control-client';
import { startLocalStripe, type LocalStripe } from '@tilldrop/local-stripe';
import { startServer } from '../../server/runtime.ts';
import { ReadCache } from '../../server/stripe/read-cache.ts';
import {
  ApiFailure,
  GenericFailure,
  plansApi,
  SessionFailure,
  sessionsApi,
} from '../../shared/index.ts';
import { request, stackEnv, startStack, TEST_AUTH_SECRET, type Stack } from '../support/stack.ts';

const tokens = new AccessTokens(TEST_AUTH_SECRET);
const HUGE_ID = 'u'.repeat(15 * 1024);

/** The address a request came from, as one trusted proxy reports it. */
const via = (address: string) => ({ 'x-forwarded-for': address });
const addressNumber = (i: number) => `198.18.${(i >> 8) & 255}.${i & 255}`;

/** Sends `count` requests, `concurrency` at a time, and returns their statuses in order. */
async function flood(count: number, send: (i: number) => Promise<{ status: number }>) {
  const statuses: number[] = [];
  const concurrency = 25;
  for (let start = 0; start < count; start += concurrency) {
    const batch = Array.from({ length: Math.min(concurrency, count - start) }, (_, k) =>
      send(start + k),
    );
    statuses.push(...(await Promise.all(batch)).map((response) => response.status));
  }
  return statuses;
}

function heapAfterCollection(): number {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

describe('memory under a flood of new rate-limit keys', () => {
  let stack: Stack;
  before(async () => {
    // Quiet, so the log lines kept in memory by the hostile stack do not count as growth.
    stack = await startStack({
      env: { TRUST_PROXY_HOPS: '1', RATE_LIMIT_PER_MINUTE: '3' },
    });
  });
  after(() => stack.close());

  it('3,000 checkouts naming 15 kB user ids from 3,000 addresses leave the heap where it was (seed 002)', async () => {
    // One round first, so what the server allocates once (JIT, pools) is not counted.
    await flood(50, (i) =>
      request(stack.apiUrl, 'POST', '/api/create-checkout-session', {
        body: { userId: `${HUGE_ID}${i}`, planId: 'weekly' },
        headers: via(`203.0.113.${i}`),
      }),
    );
    const heapBefore = heapAfterCollection();

    const statuses = await flood(3000, (i) =>
      request(stack.apiUrl, 'POST', '/api/create-checkout-session', {
        body: { userId: `${HUGE_ID}${i}`, planId: 'weekly' },
        headers: via(addressNumber(i)),
      }),
    );
    const grown = heapAfterCollection() - heapBefore;

    assert.deepEqual(new Set(statuses), new Set([400]));
    // The ids alone are 45 MB; kept as keys they grew the server by 75 MB.
    assert.ok(grown < 10 * 1024 * 1024, `heap grew by ${(grown / 1024 / 1024).toFixed(1)} MB`);
    const refused = await request(stack.apiUrl, 'POST', '/api/create-checkout-session', {
      body: { userId: HUGE_ID, planId: 'weekly' },
      headers: via('198.51.100.200'),
    });
    assert.deepEqual(SessionFailure.parse(refused.body), {
      error: 'userId must be at most 200 characters',
      code: 'user_id_too_long',
    });
    const buyer = await request(stack.apiUrl, 'POST', '/api/create-checkout-session', {
      body: { userId: 'flood-survivor', planId: 'weekly' },
      headers: via('198.51.100.201'),
    });
    assert.equal(buyer.status, 200);
  });
});

/** A clock whose time and timers move only when the test says so. */
function manualClock() {
  let time = 1_000_000;
  const timers = new Set<{ ms: number; nextAt: number; task: () => void }>();
  const clock: Clock = {
    now: () => time,
    every(ms, task) {
      const timer = { ms, nextAt: time + ms, task };
      timers.add(timer);
      return () => timers.delete(timer);
    },
  };
  return {
    clock,
    timers,
    advance(ms: number) {
      time += ms;
      for (const timer of timers) {
        while (timer.nextAt <= time) {
          timer.nextAt += timer.ms;
          timer.task();
        }
      }
    },
  };
}

/**
 * The limiter on a real Koa server, behind the real error handler and body parser, spending what
 * the real contracts say; the routes answer at once, since only what the limiter keeps is under
 * test.
 */
async function limitedServer(limits: RateLimits, clock?: Clock) {
  const limiter = new RateLimiter(limits, clock);
  const app = new Koa();
  app.use(errorHandler());
  app.use(jsonBody());
  const router = new Router();
  router.get(plansApi.checkPromotionCode.path, async (ctx) => {
    await limiter.spend(ctx, plansApi.checkPromotionCode, tokens);
    ctx.body = { ok: true };
  });
  router.post(sessionsApi.createCheckoutSession.path, async (ctx) => {
    await limiter.spend(ctx, sessionsApi.createCheckoutSession, tokens);
    ctx.body = { sessionId: 'cs_test_unused' };
  });
  app.use(router.routes());
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    limiter,
    url,
    check: async (address: string) =>
      (await request(url, 'GET', '/api/promotion-codes/CODE', { headers: via(address) })).status,
    close: () => {
      limiter.close();
      server.close();
    },
  };
}

describe('rate-limit tables', () => {
  it('stay at their cap under thousands of 15 kB ids from as many addresses, keying no refused id', async () => {
    const limited = await limitedServer({
      perUser: 3,
      perAddress: 30,
      trustedProxyHops: 1,
      maxKeys: 300,
    });
    try {
      const huge = await flood(1500, (i) =>
        request(limited.url, 'POST', '/api/create-checkout-session', {
          body: { userId: `${HUGE_ID}${i}`, planId: 'weekly' },
          headers: via(addressNumber(i)),
        }),
      );
      const afterHuge = limited.limiter.sizes;
      const named = await flood(1000, (i) =>
        request(limited.url, 'POST', '/api/create-checkout-session', {
          body: { userId: `buyer-${i}-${'n'.repeat(180)}`, planId: 'weekly' },
          headers: via(addressNumber(i)),
        }),
      );

      assert.deepEqual(new Set(huge), new Set([200]));
      assert.deepEqual(afterHuge, { byAddress: 300, byBuyer: 0 });
      assert.deepEqual(new Set(named), new Set([200]));
      assert.deepEqual(limited.limiter.sizes, { byAddress: 300, byBuyer: 300 });
    } finally {
      limited.close();
    }
  });

  it('forget the least recently seen client when full, never the one that just asked', async () => {
    const { clock } = manualClock();
    const limited = await limitedServer(
      { perUser: 10, perAddress: 1, trustedProxyHops: 1, maxKeys: 3 },
      clock,
    );
    try {
      for (const address of ['192.0.2.1', '192.0.2.2', '192.0.2.3']) await limited.check(address);
      const firstAgain = await limited.check('192.0.2.1');
      await limited.check('192.0.2.4'); // the table is full: 192.0.2.2 was seen least recently

      const first = await limited.check('192.0.2.1');
      const forgotten = await limited.check('192.0.2.2');

      assert.equal(firstAgain, 429);
      assert.equal(first, 429);
      assert.equal(forgotten, 200);
      assert.equal(limited.limiter.sizes.byAddress, 3);
    } finally {
      limited.close();
    }
  });

  it('are swept of refilled buckets on a timer, and the timer stops with the limiter', async () => {
    const time = manualClock();
    const limited = await limitedServer(
      { perUser: 10, perAddress: 2, trustedProxyHops: 1 },
      time.clock,
    );
    try {
      await limited.check('192.0.2.10');
      time.advance(50_000);
      await limited.check('192.0.2.11');
      await limited.check('192.0.2.11');
      const beforeSweep = limited.limiter.sizes.byAddress;

      time.advance(10_000);

      // The first has refilled and is forgotten; the second is still short of a full bucket.
      assert.equal(beforeSweep, 2);
      assert.equal(limited.limiter.sizes.byAddress, 1);
      assert.equal(await limited.check('192.0.2.11'), 429);
      limited.limiter.close();
      assert.equal(time.timers.size, 0);
    } finally {
      limited.close();
    }
  });
});

describe('the cache in front of Stripe reads', () => {
  it('shares one read among concurrent askers, keeps it for its lifetime only, and never keeps a failure', async () => {
    let now = 0;
    let reads = 0;
    const cache = new ReadCache<number>({ ttlMs: 2_000, maxEntries: 10, now: () => now });
    const read = () => cache.get('cs_1', async () => ++reads);
    const failing = () =>
      cache.get('cs_2', () => {
        reads++;
        return Promise.reject(new Error('Stripe is down'));
      });

    const together = await Promise.all([read(), read(), read()]);
    now = 1_999;
    const stillFresh = await read();
    now = 2_000;
    const renewed = await read();
    await assert.rejects(failing());
    await assert.rejects(failing());

    assert.deepEqual(together, [1, 1, 1]);
    assert.equal(stillFresh, 1);
    assert.equal(renewed, 2);
    assert.equal(reads, 4);
  });

  it('holds at most its maximum, and lets go of expired answers as time passes', async () => {
    let now = 0;
    const cache = new ReadCache<string>({ ttlMs: 1_000, maxEntries: 3, now: () => now });

    for (const id of ['a', 'b', 'c', 'd']) await cache.get(id, async () => id);
    const full = cache.size;
    now = 1_000;
    await cache.get('e', async () => 'e');

    assert.equal(full, 3);
    assert.equal(cache.size, 1);
  });
});

/** A pass-through proxy in front of the local Stripe that counts the server's calls. */
async function countingProxy(target: LocalStripe) {
  const calls: string[] = [];
  const server: Server = createServer((incoming, outgoing) => {
    calls.push(`${incoming.method} ${incoming.url!.split('?')[0]}`);
    const upstream = httpRequest(
      {
        host: '127.0.0.1',
        port: target.port,
        method: incoming.method,
        path: incoming.url,
        headers: incoming.headers,
      },
      (answer) => {
        outgoing.writeHead(answer.statusCode!, answer.headers);
        answer.pipe(outgoing);
      },
    );
    upstream.on('error', () => incoming.socket.destroy());
    incoming.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, server, calls };
}

describe('Stripe calls a polling buyer can cause', () => {
  const PER_MINUTE = 10;
  let localStripe: LocalStripe;
  let proxy: Awaited<ReturnType<typeof countingProxy>>;
  let apiUrl: string;
  let close: () => Promise<void>;
  const dir = mkdtempSync(join(tmpdir(), 'tilldrop-abuse-'));
  const callsTo = (pattern: RegExp) => proxy.calls.filter((call) => pattern.test(call)).length;

  before(async () => {
    localStripe = await startLocalStripe({ port: 0, databasePath: ':memory:', log: () => {} });
    proxy = await countingProxy(localStripe);
    const running = await startServer(
      parseEnv({
        ...stackEnv(join(dir, 'tilldrop.sqlite')),
        LOG_LEVEL: 'silent',
        STRIPE_SECRET_KEY: localStripe.secretKey,
        STRIPE_WEBHOOK_SECRET: 'whsec_abuselimitsnotdelivered0123456789',
        STRIPE_API_URL: proxy.url,
        RATE_LIMIT_PER_MINUTE: String(PER_MINUTE),
        TRUST_PROXY_HOPS: '1',
      }),
    );
    apiUrl = running.url;
    close = async () => {
      await running.close();
      proxy.server.closeAllConnections();
      await new Promise((resolve) => proxy.server.close(resolve));
      await localStripe.close();
      rmSync(dir, { recursive: true, force: true });
    };
  });
  after(() => close());

  async function checkoutFor(userId: string, address: string) {
    const token = await tokens.sign(userId);
    const created = await request(apiUrl, 'POST', '/payment/checkout', {
      token,
      body: { planId: 'plan_basic' },
      headers: via(address),
    });
    assert.equal(created.status, 200);
    return { token, sessionId: created.body.data.checkoutId as string };
  }

  function assertRefusedWithRetryAfter(response: { status: number; headers: Headers }) {
    assert.equal(response.status, 429);
    const seconds = Number(response.headers.get('retry-after'));
    assert.ok(Number.isInteger(seconds) && seconds >= 1 && seconds <= 60, `Retry-After ${seconds}`);
  }

  it('polling an open checkout 50 times makes one Stripe call per two seconds, then answers 429 (seed 000)', async () => {
    const { token, sessionId } = await checkoutFor('poller', '192.0.2.50');
    const retrieve = new RegExp(`^GET /v1/checkout/sessions/${sessionId}$`);
    const started = Date.now();

    const polls = [];
    for (let i = 0; i < 50; i++) {
      polls.push(await request(apiUrl, 'GET', `/payment/checkout/${sessionId}`, { token }));
    }
    const elapsed = Date.now() - started;

    assert.deepEqual(
      polls.slice(0, PER_MINUTE).map((poll) => poll.status),
      Array(PER_MINUTE).fill(200),
    );
    for (const refused of polls.slice(PER_MINUTE)) {
      assertRefusedWithRetryAfter(refused);
      assert.match(GenericFailure.parse(refused.body).message, /^Too many requests\. Try again/);
    }
    assert.ok(callsTo(retrieve) >= 1);
    assert.ok(callsTo(retrieve) <= 1 + Math.floor(elapsed / 2000), `${callsTo(retrieve)} calls`);
  });

  it('never limits polling a checkout that is settled here, since Stripe is not asked again', async () => {
    const { token, sessionId } = await checkoutFor('settled-poller', '192.0.2.51');
    const paid = await new LocalStripeControl(localStripe.url).completeSession(sessionId);
    assert.equal(paid.ok, true);
    const first = await request(apiUrl, 'GET', `/payment/checkout/${sessionId}`, { token });
    const callsBefore = proxy.calls.length;

    const polls = [];
    for (let i = 0; i < 3 * PER_MINUTE; i++) {
      polls.push(await request(apiUrl, 'GET', `/payment/checkout/${sessionId}`, { token }));
    }

    assert.equal(first.body.data.status, 'complete');
    assert.deepEqual(new Set(polls.map((poll) => poll.status)), new Set([200]));
    assert.equal(proxy.calls.length, callsBefore);
  });

  it('opening the billing portal 50 times makes one Stripe call per allowed request, then 429', async () => {
    const { token } = await checkoutFor('portal-clicker', '192.0.2.52');
    const portal = /^POST \/v1\/billing_portal\/sessions$/;
    const before = callsTo(portal);

    const opens = [];
    for (let i = 0; i < 50; i++) {
      opens.push(
        await request(apiUrl, 'POST', '/api/subscription/portal', {
          token,
          headers: via('192.0.2.52'),
        }),
      );
    }

    assert.deepEqual(
      opens.slice(0, PER_MINUTE).map((open) => open.status),
      Array(PER_MINUTE).fill(200),
    );
    for (const refused of opens.slice(PER_MINUTE)) {
      assertRefusedWithRetryAfter(refused);
      assert.equal(ApiFailure.parse(refused.body).error, 'Too Many Requests');
    }
    assert.equal(callsTo(portal) - before, PER_MINUTE);
  });

  it('checking one promotion code 50 times asks Stripe once, and a signed-in buyer is limited per buyer', async () => {
    const lookup = /^GET \/v1\/promotion_codes$/;
    const token = await tokens.sign('promo-checker');
    const before = callsTo(lookup);

    const anonymous = [];
    for (let i = 0; i < 50; i++) {
      anonymous.push(
        await request(apiUrl, 'GET', '/api/promotion-codes/LAUNCH20?plan=PRO', {
          headers: via(`192.0.2.${100 + i}`),
        }),
      );
    }
    const anonymousCalls = callsTo(lookup) - before;
    const signedIn = [];
    for (let i = 0; i < 50; i++) {
      signedIn.push(
        await request(apiUrl, 'GET', `/api/promotion-codes/LAUNCH20?plan=PRO`, {
          token,
          headers: via(`192.0.2.${150 + i}`),
        }),
      );
    }

    assert.deepEqual(new Set(anonymous.map((check) => check.status)), new Set([200]));
    assert.equal(anonymous[0]!.body.valid, true);
    assert.equal(anonymousCalls, 1);
    assert.deepEqual(
      signedIn.slice(0, PER_MINUTE).map((check) => check.status),
      Array(PER_MINUTE).fill(200),
    );
    for (const refused of signedIn.slice(PER_MINUTE)) {
      assertRefusedWithRetryAfter(refused);
      assert.equal(ApiFailure.parse(refused.body).error, 'Too Many Requests');
    }
  });
});
