// The soak: a minute at 50 concurrent connections on loopback, each connection looping through a
// checkout of a new (unverified) buyer for lifetime access, a checkout of a returning signed-in one,
// a signed webhook saying that first checkout was paid, and the same webhook again. Afterwards: no error, every checkout and every purchase in the
// database exactly once, a request-log line per request, and memory no higher at the end than
// after the warm-up (within a tolerance for the garbage collector's timing).
//
// `npm run soak` (SOAK_SECONDS to change the length); not part of `npm test`.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { parseEnv } from '../../server/config.ts';
import { AccessTokens } from '../../server/http/auth.ts';
import { LocalStripeControl } from '@tilldrop/local-stripe/control-client';
import { createLogger, startServer, type RunningServer } from '../../server/runtime.ts';
import { TEST_AUTH_SECRET } from '../support/stack.ts';

const SECONDS = Number(process.env.SOAK_SECONDS ?? 60);
const WARM_UP_SECONDS = Math.min(15, Math.ceil(SECONDS / 4));
const CONNECTIONS = 50;
const WEBHOOK_SECRET = 'whsec_soakfortests0123456789abcdef';
const RETURNING_BUYERS = 40;
/** Heap may end this much above its post-warm-up level: one collector's slack, not a trend. */
const HEAP_TOLERANCE_MB = 24;
const RSS_TOLERANCE_MB = 64;

/** The part of autocannon's programmatic API used here (the package ships no types). */
interface Step {
  method: string;
  path: string;
  headers?: Record<string, string>;
  setupRequest?: (request: Step, context: Context) => Step;
  onResponse?: (status: number, body: string, context: Context) => void;
}
interface Context {
  event?: string;
  eventId?: string;
  buyer?: string;
  sessionId?: string;
}
interface Result {
  errors: number;
  timeouts: number;
  non2xx: number;
  '2xx': number;
  latency: { p50: number; p99: number; max: number };
  requests: { average: number; total: number };
}
const autocannon = createRequire(import.meta.url)('autocannon') as (options: {
  url: string;
  connections: number;
  duration: number;
  requests: Step[];
}) => PromiseLike<Result>;

interface Memory {
  heapMb: number;
  rssMb: number;
}

function measure(): Memory {
  // With --expose-gc (npm run soak sets it) the heap is measured after a full collection.
  (globalThis as { gc?: () => void }).gc?.();
  const { heapUsed, rss } = process.memoryUsage();
  return { heapMb: heapUsed / 2 ** 20, rssMb: rss / 2 ** 20 };
}

const signature = (payload: string) => {
  const t = Math.floor(Date.now() / 1000);
  const v1 = createHmac('sha256', WEBHOOK_SECRET).update(`${t}.${payload}`).digest('hex');
  return `t=${t},v1=${v1}`;
};

describe('a one-minute soak at 50 connections', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tilldrop-soak-'));
  const logFile = join(dir, 'server.log');
  const destination = pino.destination({ dest: logFile, sync: false, mkdir: true });
  let running: RunningServer;
  let tokens: string[];

  before(async () => {
    const env = parseEnv({
      PORT: '0',
      LOCAL_STRIPE_PORT: '0',
      DATABASE_PATH: join(dir, 'tilldrop.sqlite'),
      LOCAL_STRIPE_DATABASE_PATH: join(dir, 'local-stripe.sqlite'),
      AUTH_SECRET: TEST_AUTH_SECRET,
      STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
      // One client address sends everything here; the limiter is proved elsewhere.
      RATE_LIMIT_PER_MINUTE: '1000000',
      RATE_LIMIT_PER_IP_PER_MINUTE: '100000000',
      LOG_LEVEL: 'info',
    });
    running = await startServer(env, { logger: createLogger('info', destination) });
    // The local Stripe's own webhooks (customer.created for each buyer) would queue behind the
    // load; held, the signed webhooks below are the only ones.
    await new LocalStripeControl(running.localStripe!.url).holdWebhooks(true);
    const signer = new AccessTokens(TEST_AUTH_SECRET);
    tokens = await Promise.all(
      Array.from({ length: RETURNING_BUYERS }, (_, i) => signer.sign(`soak-returning-${i}`)),
    );
  });
  after(async () => {
    await running.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves a mix of checkouts and webhooks with no error, nothing lost or doubled, and flat memory', async () => {
    let sequence = 0;
    const checkouts = new Map<string, string>();
    const outcomes = new Map<string, string[]>();
    const samples: Memory[] = [];
    const sampler = setInterval(() => samples.push(measure()), 5_000);
    let warm: Memory | undefined;
    const warmUp = setTimeout(() => (warm = measure()), WARM_UP_SECONDS * 1_000);

    const steps: Step[] = [
      {
        method: 'POST',
        path: '/api/create-checkout-session',
        headers: { 'content-type': 'application/json' },
        setupRequest: (request, context) => {
          context.buyer = `soak-new-${++sequence}`;
          context.sessionId = undefined;
          const body = JSON.stringify({ userId: context.buyer, planId: 'one-time' });
          return { ...request, body } as Step;
        },
        onResponse: (status, body, context) => {
          if (status !== 200) return;
          context.sessionId = JSON.parse(body).sessionId;
          checkouts.set(context.buyer!, context.sessionId!);
        },
      },
      {
        method: 'POST',
        path: '/api/subscription/create-checkout',
        headers: { 'content-type': 'application/json' },
        setupRequest: (request) => {
          const token = tokens[sequence % RETURNING_BUYERS]!;
          return {
            ...request,
            headers: { ...request.headers, authorization: `Bearer ${token}` },
            body: JSON.stringify({ plan: sequence % 3 === 0 ? 'PRO' : 'BASIC' }),
          } as Step;
        },
      },
      {
        method: 'POST',
        path: '/api/webhooks/stripe',
        // Only sessions this server made are fulfilled, so the event pays for the first step's.
        setupRequest: (request, context) => {
          const n = ++sequence;
          context.eventId = `evt_soak_${n}`;
          context.event = JSON.stringify({
            id: context.eventId,
            object: 'event',
            api_version: '2026-10-28.endive',
            created: Math.floor(Date.now() / 1000),
            type: 'checkout.session.completed',
            data: {
              object: {
                id: context.sessionId,
                object: 'checkout.session',
                mode: 'payment',
                status: 'complete',
                payment_status: 'paid',
                client_reference_id: context.buyer,
                metadata: { userId: context.buyer, planId: 'one-time', verified: 'false' },
                customer: null,
                payment_intent: `pi_soak_${n}`,
                subscription: null,
                amount_subtotal: 14900,
                amount_total: 14900,
                currency: 'usd',
                created: Math.floor(Date.now() / 1000),
                expires_at: Math.floor(Date.now() / 1000) + 3600,
              },
            },
          });
          return withEvent(request, context.event);
        },
        onResponse: (status, body, context) => recordOutcome(status, body, context),
      },
      {
        // The same event again, as Stripe redelivers when an answer is slow.
        method: 'POST',
        path: '/api/webhooks/stripe',
        setupRequest: (request, context) => withEvent(request, context.event!),
        onResponse: (status, body, context) => recordOutcome(status, body, context),
      },
    ];
    function withEvent(request: Step, event: string): Step {
      return {
        ...request,
        headers: { 'content-type': 'application/json', 'stripe-signature': signature(event) },
        body: event,
      } as Step;
    }
    function recordOutcome(status: number, body: string, context: Context): void {
      const seen = outcomes.get(context.eventId!) ?? [];
      seen.push(status === 200 ? JSON.parse(body).outcome : `status ${status}`);
      outcomes.set(context.eventId!, seen);
    }

    const result = await autocannon({
      url: running.url,
      connections: CONNECTIONS,
      duration: SECONDS,
      requests: steps,
    });
    clearInterval(sampler);
    clearTimeout(warmUp);
    const end = measure();
    destination.flushSync();

    // Deliveries answered `queued` are applied from the inbox after the minute.
    while ((await running.storage.inbox.count()) > 0) {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    const db = running.storage.db;
    const count = async (sql: string, ...params: unknown[]) =>
      ((await db.prepare(sql).get(...params)) as { n: number }).n;
    const report = {
      requests: result['2xx'],
      perSecond: Math.round(result.requests.average),
      latencyMs: result.latency,
      checkouts: checkouts.size,
      events: outcomes.size,
      memory: { warm, end, samples: samples.map((s) => Math.round(s.heapMb)) },
    };
    process.stdout.write(`# soak: ${JSON.stringify(report)}\n`);

    assert.equal(result.errors, 0, 'connection errors');
    assert.equal(result.timeouts, 0, 'timeouts');
    assert.equal(result.non2xx, 0, 'answers other than 2xx');
    // Every checkout answered is stored, once, for its buyer.
    for (const [buyer, sessionId] of checkouts) {
      assert.equal(
        await count(
          'SELECT COUNT(*) AS n FROM checkout_sessions WHERE user_id = ? AND id = ?',
          `unverified:${buyer}`,
          sessionId,
        ),
        1,
        buyer,
      );
    }
    // Requests still in flight when the minute ended may be stored without their answer being
    // counted: at most one per connection.
    const stored = await count(
      "SELECT COUNT(*) AS n FROM checkout_sessions WHERE user_id LIKE 'unverified:soak-new-%'",
    );
    assert.ok(
      stored >= checkouts.size && stored <= checkouts.size + CONNECTIONS,
      `${stored} sessions`,
    );
    // Every event: processed (or queued) once, a duplicate the second time, and one purchase,
    // one payment and one entitlement for each event recorded.
    for (const [eventId, seen] of outcomes) {
      assert.ok(seen[0] === 'processed' || seen[0] === 'queued', `${eventId}: ${seen[0]}`);
      if (seen.length > 1) assert.deepEqual(seen.slice(1), ['duplicate'], eventId);
    }
    const events = await count(
      "SELECT COUNT(*) AS n FROM stripe_events WHERE id LIKE 'evt_soak_%'",
    );
    assert.ok(events >= outcomes.size && events <= outcomes.size + CONNECTIONS, `${events} events`);
    assert.equal(
      await count("SELECT COUNT(*) AS n FROM purchases WHERE payment_intent_id LIKE 'pi_soak_%'"),
      events,
    );
    assert.equal(
      await count("SELECT COUNT(*) AS n FROM payments WHERE id LIKE 'pi_soak_%'"),
      events,
    );
    assert.equal(
      await count(
        "SELECT COUNT(*) AS n FROM entitlements WHERE user_id LIKE 'unverified:soak-new-%' AND source = 'lifetime'",
      ),
      events,
    );
    // One structured log line per answered request.
    const logged = readFileSync(logFile, 'utf8')
      .split('\n')
      .filter((line) => line.includes('"msg":"request"')).length;
    assert.ok(logged >= result['2xx'], `${logged} request lines for ${result['2xx']} requests`);
    // Memory: after warm-up the heap and RSS hold their level.
    assert.ok(warm, 'memory was measured after the warm-up');
    assert.ok(
      end.heapMb <= warm.heapMb + HEAP_TOLERANCE_MB,
      `heap ${warm.heapMb} → ${end.heapMb} MB`,
    );
    assert.ok(end.rssMb <= warm.rssMb + RSS_TOLERANCE_MB, `rss ${warm.rssMb} → ${end.rssMb} MB`);
  });
});
