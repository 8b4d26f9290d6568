// Stripe failing under the server, through the local Stripe's fault injection: 500s, 429s, timeouts
// and dropped connections on customer creation, session creation and the re-fetches webhooks do.
//
// The stack is assembled here rather than by `startServer` for two reasons. The server's Stripe
// client gives up after 10 s, so three timed-out attempts would take half a minute: this client is
// the same but for a 1 s timeout. And its calls go through a small proxy ("the wire") that records
// each call's Idempotency-Key and can lose an answer after Stripe has acted on the request, which
// the local Stripe's own faults (they strike before a request is handled) cannot do.
//
// What the SDK retries (maxNetworkRetries: 2, with the request's idempotency key): 500s, timeouts
// and dropped connections. It does not retry a 429, as Stripe advises backing off instead: the
// buyer gets the documented 500 and their next click works.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Stripe from 'stripe';
import { createApp } from '../../server/app.ts';
import { LocalStripeControl, type FaultKind } from '@tilldrop/local-stripe/control-client';
import { startLocalStripe, type LocalStripe } from '@tilldrop/local-stripe';
import { WEBHOOK_PATH } from '../../server/routes/webhooks.ts';
import { createLogger } from '../../server/runtime.ts';
import { loadCatalog } from '../../server/services/catalog.ts';
import { openStorage, type Storage } from '../../server/storage/index.ts';
import { STRIPE_API_VERSION } from '../../server/stripe/client.ts';
import { ApiFailure, GenericFailure, SessionFailure } from '../../shared/index.ts';
import { request, TEST_AUTH_SECRET } from '../support/stack.ts';
import { AccessTokens } from '../../server/http/auth.ts';
import { waitFor } from '../support/wait.ts';

const WEBHOOK_SECRET = 'whsec_faultsfortests0123456789abcdef';

interface Call {
  method: string;
  path: string;
  idempotencyKey: string | undefined;
  lost: boolean;
}

/** A pass-through proxy to the local Stripe that remembers every call. */
class Wire {
  readonly calls: Call[] = [];
  #lose: { path: string; count: number } | undefined;
  readonly server: Server;

  constructor(target: number) {
    this.server = createServer((incoming, outgoing) => {
      const path = incoming.url!.split('?')[0]!;
      const lose = this.#lose && path.startsWith(this.#lose.path) && this.#lose.count-- > 0;
      this.calls.push({
        method: incoming.method!,
        path,
        idempotencyKey: incoming.headers['idempotency-key'] as string | undefined,
        lost: Boolean(lose),
      });
      const upstream = httpRequest(
        {
          host: '127.0.0.1',
          port: target,
          method: incoming.method,
          path: incoming.url,
          headers: incoming.headers,
        },
        (answer) => {
          if (lose) {
            // Stripe has acted; the answer never reaches the server.
            answer.resume();
            answer.on('end', () => incoming.socket.destroy());
            return;
          }
          outgoing.writeHead(answer.statusCode!, answer.headers);
          answer.pipe(outgoing);
        },
      );
      // A fault that drops or holds the connection upstream does the same to the server.
      upstream.on('error', () => incoming.socket.destroy());
      outgoing.on('close', () => upstream.destroy());
      incoming.pipe(upstream);
    });
  }

  /** Loses the answers to the next `count` calls under `path`. */
  loseAnswers(path: string, count: number): void {
    this.#lose = { path, count };
  }

  callsTo(method: string, path: string): Call[] {
    return this.calls.filter((call) => call.method === method && call.path.startsWith(path));
  }
}

interface FaultStack {
  apiUrl: string;
  control: LocalStripeControl;
  /** A client straight to the local Stripe, for looking at what exists there. */
  stripe: Stripe;
  storage: Storage;
  wire: Wire;
  logs: string[];
  tokenFor(userId: string): Promise<string>;
  close(): Promise<void>;
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

async function startFaultStack(): Promise<FaultStack> {
  const dir = mkdtempSync(join(tmpdir(), 'tilldrop-faults-'));
  const api = createServer();
  const apiUrl = `http://127.0.0.1:${await listen(api)}`;
  const localStripe: LocalStripe = await startLocalStripe({
    databasePath: ':memory:',
    webhookEndpoints: [{ url: `${apiUrl}${WEBHOOK_PATH}`, secret: WEBHOOK_SECRET }],
    // Stripe retries failed deliveries for days; a few short waits show the same behaviour.
    webhookBackoffMs: [100, 200, 400, 800, 1600],
    faultHangMs: 5_000,
    log: () => undefined,
  });
  const wire = new Wire(localStripe.port);
  const wirePort = await listen(wire.server);
  const serverStripe = new Stripe(localStripe.secretKey, {
    apiVersion: STRIPE_API_VERSION,
    maxNetworkRetries: 2,
    timeout: 1_000,
    host: '127.0.0.1',
    port: wirePort,
    protocol: 'http',
  });
  const storage = await openStorage({ path: join(dir, 'tilldrop.sqlite') });
  const logs: string[] = [];
  const app = createApp({
    stripe: serverStripe,
    storage,
    logger: createLogger('trace', { write: (line: string) => void logs.push(line) }),
    config: {
      appUrl: apiUrl,
      allowedOrigins: [],
      authSecret: TEST_AUTH_SECRET,
      serverApiKey: undefined,
      webhookSecrets: [WEBHOOK_SECRET],
      catalog: loadCatalog(undefined),
      priceIds: {},
      widgetDir: dir,
      rateLimits: { perUser: 10_000, perAddress: 10_000, trustedProxyHops: 0 },
    },
  });
  api.on('request', app.callback());
  const tokens = new AccessTokens(TEST_AUTH_SECRET);
  return {
    apiUrl,
    control: new LocalStripeControl(localStripe.url),
    stripe: new Stripe(localStripe.secretKey, {
      apiVersion: STRIPE_API_VERSION,
      ...localStripe.clientOptions,
    }),
    storage,
    wire,
    logs,
    tokenFor: (userId) => tokens.sign(userId),
    async close() {
      wire.server.closeAllConnections();
      api.closeAllConnections();
      await new Promise((resolve) => wire.server.close(resolve));
      await new Promise((resolve) => api.close(resolve));
      await app.stop();
      await localStripe.close();
      await storage.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Each dialect's checkout, and the 500 its documentation promises when Stripe fails. */
const DIALECTS = [
  {
    name: 'seed 000',
    send: async (stack: FaultStack, userId: string, key?: string) =>
      request(stack.apiUrl, 'POST', '/payment/checkout', {
        token: await stack.tokenFor(userId),
        body: { planId: 'plan_basic' },
        headers: key ? { 'Idempotency-Key': key } : {},
      }),
    sessionIdOf: (body: any): string => body.data.checkoutId,
    failure: {
      success: false,
      message: 'Failed to create checkout session',
      code: 'checkout_failed',
    },
    envelope: GenericFailure,
  },
  {
    name: 'seed 002',
    send: async (stack: FaultStack, userId: string, key?: string) =>
      request(stack.apiUrl, 'POST', '/api/create-checkout-session', {
        token: await stack.tokenFor(userId),
        body: { userId, planId: 'weekly' },
        headers: key ? { 'Idempotency-Key': key } : {},
      }),
    sessionIdOf: (body: any): string => body.sessionId,
    failure: { error: 'An error occurred', code: 'checkout_failed' },
    envelope: SessionFailure,
  },
  {
    name: 'seed 004',
    send: async (stack: FaultStack, userId: string, key?: string) =>
      request(stack.apiUrl, 'POST', '/api/subscription/create-checkout', {
        token: await stack.tokenFor(userId),
        body: { plan: 'PRO' },
        headers: key ? { 'Idempotency-Key': key } : {},
      }),
    sessionIdOf: (body: any): string => body.sessionId,
    failure: {
      error: 'Internal Server Error',
      message: 'Failed to create checkout session',
      code: 'checkout_failed',
    },
    envelope: ApiFailure,
  },
] as const;

const TARGETS = [
  { what: 'customer creation', path: '/v1/customers' },
  { what: 'session creation', path: '/v1/checkout/sessions' },
] as const;

/** Enough faults to outlast the SDK: one try and two retries (a 429 is not retried at all). */
const PERSISTENT = 3;

describe('Stripe failing while a checkout is created', () => {
  let stack: FaultStack;
  let serial = 0;
  before(async () => {
    stack = await startFaultStack();
    // The price list is cached after the first checkout; faults then strike where they are aimed.
    assert.equal((await DIALECTS[0].send(stack, 'warm-up')).status, 200);
  });
  after(async () => {
    await stack.control.injectFaults({ count: 0, kind: 'timeout' });
    await stack.close();
  });

  /** What Stripe and the database hold for a buyer: Stripe's side must explain every row. */
  async function holdings(userId: string) {
    const customers = (await stack.stripe.customers.list({ limit: 100 })).data.filter(
      (customer) => customer.metadata.userId === userId,
    );
    const sessions = (await stack.stripe.checkout.sessions.list({ limit: 100 })).data.filter(
      (session) => session.client_reference_id === userId,
    );
    const rows = (await stack.storage.db
      .prepare('SELECT id FROM checkout_sessions WHERE user_id = ?')
      .all(userId)) as { id: string }[];
    return {
      stripeCustomers: customers.map((c) => c.id),
      storedCustomer: await stack.storage.customers.customerIdFor(userId),
      stripeSessions: sessions.map((s) => s.id),
      storedSessions: rows.map((row) => row.id),
    };
  }

  for (const target of TARGETS) {
    for (const kind of ['error500', 'timeout', 'drop'] as FaultKind[]) {
      it(`retries a ${kind} on ${target.what} with the same idempotency key, and the buyer gets one`, async () => {
        const userId = `transient-${kind}-${++serial}`;
        const dialect = DIALECTS[serial % DIALECTS.length]!;
        const callsBefore = stack.wire.callsTo('POST', target.path).length;
        await stack.control.injectFaults({ count: 1, kind, path: target.path });

        const response = await dialect.send(stack, userId);

        assert.equal(response.status, 200, JSON.stringify(response.body));
        const attempts = stack.wire.callsTo('POST', target.path).slice(callsBefore);
        assert.equal(attempts.length, 2, 'one failed try and one retry');
        assert.ok(attempts[0]!.idempotencyKey);
        assert.equal(attempts[1]!.idempotencyKey, attempts[0]!.idempotencyKey);
        const held = await holdings(userId);
        assert.equal(held.stripeCustomers.length, 1);
        assert.equal(held.storedCustomer, held.stripeCustomers[0]);
        assert.deepEqual(held.storedSessions, [dialect.sessionIdOf(response.body)]);
        assert.deepEqual(held.stripeSessions, held.storedSessions);
      });

      it(`answers the documented 500 when ${kind} on ${target.what} persists, keeps no orphan row, and the next click works`, async () => {
        const userId = `persistent-${kind}-${++serial}`;
        const dialect = DIALECTS[serial % DIALECTS.length]!;
        await stack.control.injectFaults({ count: PERSISTENT, kind, path: target.path });

        const failed = await dialect.send(stack, userId);
        const afterFailure = await holdings(userId);
        const next = await dialect.send(stack, userId);

        assert.equal(failed.status, 500);
        assert.deepEqual(failed.body, dialect.failure);
        dialect.envelope.strict().parse(failed.body);
        assert.deepEqual(afterFailure.storedSessions, []);
        assert.deepEqual(afterFailure.stripeSessions, []);
        // A customer row only for a customer Stripe really has.
        assert.equal(afterFailure.storedCustomer, afterFailure.stripeCustomers[0]);
        assert.equal(next.status, 200, JSON.stringify(next.body));
        const held = await holdings(userId);
        assert.equal(held.stripeCustomers.length, 1);
        assert.deepEqual(held.storedSessions, [dialect.sessionIdOf(next.body)]);
      });
    }

    it(`does not retry a 429 on ${target.what}: the documented 500, no orphan row, and the next click works`, async () => {
      const userId = `rate-limited-${++serial}`;
      const dialect = DIALECTS[serial % DIALECTS.length]!;
      const callsBefore = stack.wire.callsTo('POST', target.path).length;
      await stack.control.injectFaults({ count: 1, kind: 'rate_limit', path: target.path });

      const failed = await dialect.send(stack, userId);
      const attempts = stack.wire.callsTo('POST', target.path).length - callsBefore;
      const afterFailure = await holdings(userId);
      const next = await dialect.send(stack, userId);

      assert.equal(failed.status, 500);
      assert.deepEqual(failed.body, dialect.failure);
      assert.equal(attempts, 1);
      assert.deepEqual(afterFailure.storedSessions, []);
      assert.equal(afterFailure.storedCustomer, afterFailure.stripeCustomers[0]);
      assert.equal(next.status, 200);
    });

    it(`makes one ${target.what.split(' ')[0]} when Stripe acted but its answer was lost`, async () => {
      const userId = `lost-answer-${++serial}`;
      const dialect = DIALECTS[serial % DIALECTS.length]!;
      stack.wire.loseAnswers(target.path, 1);

      const response = await dialect.send(stack, userId);

      assert.equal(response.status, 200, JSON.stringify(response.body));
      const held = await holdings(userId);
      assert.equal(held.stripeCustomers.length, 1);
      assert.equal(held.stripeSessions.length, 1);
      assert.deepEqual(held.storedSessions, held.stripeSessions);
    });
  }

  it('returns the session Stripe made when a click is retried with its Idempotency-Key after every answer was lost', async () => {
    const userId = `lost-all-${++serial}`;
    const dialect = DIALECTS[2];
    stack.wire.loseAnswers('/v1/checkout/sessions', PERSISTENT);

    const failed = await dialect.send(stack, userId, 'click-1');
    // The retry comes a moment later, as a buyer's would: in another second of Stripe's clock.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const retried = await dialect.send(stack, userId, 'click-1');

    assert.equal(failed.status, 500);
    assert.equal(retried.status, 200, JSON.stringify(retried.body));
    const held = await holdings(userId);
    assert.deepEqual(held.stripeSessions, [dialect.sessionIdOf(retried.body)]);
    assert.deepEqual(held.storedSessions, held.stripeSessions);
  });
});

describe('Stripe failing while webhooks and the success page re-fetch', () => {
  let stack: FaultStack;
  before(async () => {
    stack = await startFaultStack();
  });
  after(() => stack.close());

  /** A paid PRO subscription whose webhooks wait in the local Stripe until released. */
  async function paidButUndelivered(userId: string): Promise<string> {
    await stack.control.holdWebhooks(true);
    const created = await DIALECTS[2].send(stack, userId);
    assert.equal(created.status, 200);
    const paid = await stack.control.completeSession(created.body.sessionId);
    assert.ok(paid.ok);
    return created.body.sessionId;
  }

  for (const kind of ['error500', 'rate_limit', 'timeout', 'drop'] as FaultKind[]) {
    it(`answers a webhook whose re-fetch meets ${kind} with 500, then applies Stripe's redelivery exactly once`, async () => {
      const userId = `webhook-${kind}`;
      const earlier = new Set((await stack.control.listDeliveries()).map((d) => d.id));
      await paidButUndelivered(userId);
      const count = kind === 'rate_limit' ? 1 : PERSISTENT;
      await stack.control.injectFaults({ count, kind, path: '/v1/subscriptions' });
      const refetchesBefore = stack.wire.callsTo('GET', '/v1/subscriptions').length;

      await stack.control.holdWebhooks(false);
      await stack.control.deliverPending();
      const deliveries = await waitFor(async () => {
        const all = await stack.control.listDeliveries();
        return all.every((d) => d.status === 'succeeded') && all.filter((d) => !earlier.has(d.id));
      }, 'every delivery to succeed');
      await stack.control.injectFaults({ count: 0, kind, path: '/v1/subscriptions' });

      const retried = deliveries.filter((d) => d.attempts > 1);
      assert.ok(retried.length >= 1, 'a delivery failed and was retried');
      assert.ok(stack.wire.callsTo('GET', '/v1/subscriptions').length > refetchesBefore);
      const events = (await stack.storage.db.prepare('SELECT id FROM stripe_events').all()).map(
        (row) => (row as { id: string }).id,
      );
      assert.equal(new Set(events).size, events.length);
      for (const delivery of deliveries) assert.ok(events.includes(delivery.event_id));
      const entitlement = await stack.storage.entitlements.get(userId);
      assert.equal(entitlement?.plan, 'PRO');
      const subscriptions = await stack.storage.subscriptions.listForUser(userId);
      assert.equal(subscriptions.length, 1);
      assert.equal(subscriptions[0]!.status, 'active');
      const payments = (await stack.storage.db
        .prepare('SELECT COUNT(*) AS n FROM payments WHERE user_id = ?')
        .get(userId)) as { n: number };
      assert.equal(payments.n, 1);
    });
  }

  it('answers the success page with 500 while Stripe fails, and shows the paid session once it answers', async () => {
    const userId = 'success-page';
    const sessionId = await paidButUndelivered(userId);
    const token = await stack.tokenFor(userId);
    await stack.control.injectFaults({
      count: PERSISTENT,
      kind: 'error500',
      path: '/v1/checkout/sessions',
    });

    const failed = await request(stack.apiUrl, 'GET', `/payment/checkout/${sessionId}`, { token });
    const afterFailure = await stack.storage.sessions.find(sessionId);
    const recovered = await request(stack.apiUrl, 'GET', `/payment/checkout/${sessionId}`, {
      token,
    });
    await stack.control.holdWebhooks(false);

    assert.equal(failed.status, 500);
    assert.deepEqual(failed.body, {
      success: false,
      message: 'Internal server error',
      code: 'internal_error',
    });
    assert.equal(afterFailure?.fulfilled_at, null);
    assert.equal(recovered.status, 200);
    assert.equal(recovered.body.data.fulfilled, true);
    assert.equal((await stack.storage.entitlements.get(userId))?.plan, 'PRO');
  });

  it('keeps every secret out of the logs of all these failures', () => {
    const secrets = [TEST_AUTH_SECRET, WEBHOOK_SECRET, 'sk_test_', 'whsec_', 'eyJ', 'Bearer '];
    const leaks = stack.logs.filter((line) => secrets.some((secret) => line.includes(secret)));

    assert.ok(
      stack.logs.some((line) => line.includes('"level":50')),
      'the failures were logged',
    );
    assert.deepEqual(leaks, []);
  });
});
