// Every public route, fed arbitrary and adversarial requests. Whatever arrives: never a 5xx (for
// input the server could judge), never a crash, always the route's documented envelope, and a
// refused request writes nothing. `npm test` runs a fixed seed; `npm run fuzz` runs long
// (FUZZ_RUNS per property, with a fresh seed unless FUZZ_SEED is given).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { z } from 'zod';
import { defaultCatalog } from '../../server/services/catalog.ts';
import {
  ApiFailure,
  CreateCheckoutParams,
  CreateSessionBody,
  dialectOfPath,
  GenericFailure,
  PaymentsQuery,
  PromotionCheck,
  PromotionCheckQuery,
  PromotionCode,
  SessionCreated,
  SessionFailure,
  SubscriptionCheckoutBody,
  genericApi,
  subscriptionApi,
} from '../../shared/index.ts';
import {
  bodyFor,
  contentType,
  headerText,
  hostileValue,
  pathSegment,
} from '../support/fuzz-arbitraries.ts';
import { send, sendBytes, type RawResponse } from '../support/fuzz-http.ts';
import {
  secretsIn,
  startHostileStack,
  TEST_SERVER_API_KEY,
  type HostileStack,
} from '../support/fuzz-stack.ts';
import { makeEvent, sign } from '../support/events.ts';
import { request } from '../support/stack.ts';

const LONG_RUNS = Number(process.env.FUZZ_RUNS) || undefined;
const SEED = process.env.FUZZ_SEED
  ? Number(process.env.FUZZ_SEED)
  : LONG_RUNS
    ? Date.now() % 2 ** 31
    : 20_261_121;
if (LONG_RUNS) process.stdout.write(`# fuzz: ${LONG_RUNS} runs per property, seed ${SEED}\n`);
const runs = (ci: number) => ({
  numRuns: LONG_RUNS ?? ci,
  seed: SEED,
  endOnFailure: true,
  includeErrorInReport: true,
});

const SITE = 'https://shop.example.com';
const CATALOG_IDS = defaultCatalog.map((entry) => entry.id);
const HINTS = {
  planId: CATALOG_IDS,
  promotionCode: ['LAUNCH20', 'ANNUAL50', 'EXPIRED10', 'WELCOME', 'launch20', 'NOPE'],
  userId: ['fuzz-buyer', 'fuzz-other'],
};

/** The documented error envelope of the dialect a path speaks. */
const ENVELOPES = {
  generic: GenericFailure.strict(),
  sessions: SessionFailure.strict(),
  api: ApiFailure.strict(),
} as const;

describe('fuzzing every public route', () => {
  let stack: HostileStack;
  let buyerToken: string;

  before(async () => {
    stack = await startHostileStack({
      env: { ALLOWED_ORIGINS: SITE, RATE_LIMIT_PER_MINUTE: '1000000' },
    });
    // Webhooks for the sessions fuzzing creates would land at random moments; held, every write
    // during a request is that request's own.
    await stack.control.holdWebhooks(true);
    buyerToken = await stack.tokenFor('fuzz-buyer');
  });
  after(async () => {
    // Thousands of requests carried tokens, keys and signatures: none of them may be in a log.
    assert.deepEqual(secretsIn(stack.logs, stack), []);
    await stack.close();
  });

  /** Sends, then holds the answer to the rules every route shares. */
  async function probe(
    method: string,
    path: string,
    headers: [string, string][],
    body?: string | Buffer,
  ): Promise<RawResponse & { wrote: boolean; json: any }> {
    const writes = stack.writes();
    const response = await send(stack.apiUrl, { method, path, headers, body });
    const wrote = stack.writes() !== writes;
    const where = `${method} ${path} → ${response.status} ${response.text.slice(0, 300)}`;
    assert.ok(response.status < 500, where);
    let json: any;
    if (response.status >= 400) {
      assert.equal(wrote, false, `a refused request wrote to the database: ${where}`);
      if (method !== 'HEAD') {
        assert.match(String(response.headers['content-type']), /^application\/json/, where);
        json = JSON.parse(response.text);
        const dialect = dialectOfPath(new URL(path, 'http://x').pathname);
        assert.ok(
          ENVELOPES[dialect].safeParse(json).success,
          `not the ${dialect} envelope: ${where}`,
        );
      }
    } else if (
      method !== 'HEAD' &&
      /^application\/json/.test(String(response.headers['content-type']))
    ) {
      json = JSON.parse(response.text);
    }
    return { ...response, wrote, json };
  }

  const authHeader = fc.oneof(
    { weight: 6, arbitrary: fc.constant<'buyer'>('buyer') },
    {
      weight: 3,
      arbitrary: fc.constantFrom<'none' | 'garbage' | 'expired' | 'cookie' | 'twice' | 'hostile'>(
        'none',
        'garbage',
        'expired',
        'cookie',
        'twice',
        'hostile',
      ),
    },
  );

  async function authHeaders(
    kind: string,
    hostileUser: string,
  ): Promise<{ headers: [string, string][]; valid: boolean }> {
    switch (kind) {
      case 'buyer':
        return { headers: [['Authorization', `Bearer ${buyerToken}`]], valid: true };
      case 'cookie':
        return { headers: [['Cookie', `theme=dark; access_token=${buyerToken}`]], valid: true };
      case 'expired':
        return {
          headers: [['Authorization', `Bearer ${await stack.tokenFor('fuzz-buyer', -60)}`]],
          valid: false,
        };
      case 'twice':
        // Node keeps the first of two Authorization headers; the second must not sneak in.
        return {
          headers: [
            ['Authorization', 'Bearer not-a-token'],
            ['Authorization', `Bearer ${buyerToken}`],
          ],
          valid: false,
        };
      case 'hostile':
        return {
          headers: [['Authorization', `Bearer ${await stack.tokenFor(hostileUser)}`]],
          valid: hostileUser !== '',
        };
      case 'garbage':
        return { headers: [['Authorization', 'Bearer eyJhbGciOiJub25lIn0.e30.']], valid: false };
      default:
        return { headers: [], valid: false };
    }
  }

  const extraHeaders = fc.array(
    fc.tuple(
      fc.constantFrom('Idempotency-Key', 'X-Request-Id', 'Origin', 'Cookie', 'X-Forwarded-For'),
      fc.oneof(
        headerText(80),
        fc.integer({ min: 256, max: 2_000 }).map((n) => 'k'.repeat(n)),
      ),
    ),
    { maxLength: 3 },
  );

  const checkoutRoutes = [
    {
      path: '/payment/checkout',
      schema: CreateCheckoutParams,
      auth: true,
      created: (json: unknown) => genericApi.createCheckoutSession.responses[200].parse(json),
      // Found by a long run: a refused promotion code used to leave a new Stripe customer behind.
      examples: [
        [
          '{"planId":"plan_basic","promotionCode":"NOPE"}',
          'application/json',
          'hostile',
          'new-buyer-1',
          [],
        ],
      ],
    },
    {
      path: '/api/subscription/create-checkout',
      schema: SubscriptionCheckoutBody,
      auth: true,
      created: (json: unknown) => subscriptionApi.createCheckout.responses[200].parse(json),
      examples: [
        [
          '{"plan":"BASIC","promotionCode":"nope"}',
          'application/json',
          'hostile',
          'new-buyer-2',
          [],
        ],
      ],
    },
    {
      path: '/api/create-checkout-session',
      schema: CreateSessionBody,
      auth: false,
      created: (json: unknown) => SessionCreated.parse(json),
      examples: [],
    },
  ] as const;

  for (const route of checkoutRoutes) {
    it(`POST ${route.path}: agrees with the shared schema on every body, and refuses without writing`, async () => {
      await fc.assert(
        fc.asyncProperty(
          bodyFor(route.schema, HINTS),
          contentType,
          authHeader,
          fc.string({ maxLength: 40 }),
          extraHeaders,
          async (body, type, auth, hostileUser, extra) => {
            const credentials = await authHeaders(auth, hostileUser);
            const headers: [string, string][] = [
              ...(type === undefined ? [] : [['Content-Type', type] as [string, string]]),
              ...(route.auth ? credentials.headers : []),
              ...extra,
            ];
            const response = await probe('POST', route.path, headers, body);

            const message = (json: any) => json?.message ?? json?.error;
            const value = judgeable(body, type, extra) ? JSON.parse(String(body)) : undefined;
            if (value === undefined || (route.auth && !credentials.valid)) {
              if (route.auth && !credentials.valid && response.status !== 400) {
                assert.equal(response.status, 401, response.text);
              }
              return;
            }
            if (hasProtoKey(value)) {
              // Refused by the body parser before any schema sees it (prototype poisoning).
              assert.equal(response.status, 400, response.text);
              assert.equal(message(response.json), 'Request body must be valid JSON');
              return;
            }
            const verdict = route.schema.safeParse(value);
            if (!verdict.success) {
              assert.equal(response.status, 400, response.text);
              assert.equal(message(response.json), verdict.error.issues[0]!.message);
              return;
            }
            assert.ok([200, 400, 404, 409].includes(response.status), response.text);
            if (response.status === 200) route.created(response.json);
          },
        ),
        { ...runs(2500), examples: route.examples as never },
      );
    });
  }

  it('POST /demo/session: refuses any user id but a short slug, and never writes', async () => {
    const DemoBody = z.object({ userId: z.string().regex(/^[a-z0-9-]{1,32}$/) });
    await fc.assert(
      fc.asyncProperty(bodyFor(DemoBody, HINTS), contentType, async (body, type) => {
        const headers: [string, string][] = type === undefined ? [] : [['Content-Type', type]];
        const response = await probe('POST', '/demo/session', headers, body);

        assert.equal(response.wrote, false);
        if (response.status === 200) {
          assert.match(String(response.headers['set-cookie']), /access_token=.*httponly/i);
        }
      }),
      runs(1000),
    );
  });

  it('GET routes: hostile ids, codes and queries are answered in the envelope, and never write', async () => {
    const query = fc
      .array(
        fc.tuple(
          fc.constantFrom('plan', 'billing', 'limit', 'starting_after', '__proto__', 'constructor'),
          fc.oneof(
            fc.constantFrom('PRO', 'BASIC', 'weekly', 'annual', 'monthly', '20', '0', '101', '-1'),
            headerText(20),
          ),
        ),
        { maxLength: 4 },
      )
      .map((pairs) => (pairs.length ? `?${new URLSearchParams(pairs).toString()}` : ''));
    const target = fc.oneof(
      pathSegment.map((id) => `/payment/checkout/${id}`),
      pathSegment.map((code) => `/api/promotion-codes/${code}`),
      fc.constant('/api/promotion-codes/LAUNCH20'),
      pathSegment.map((user) => `/api/entitlements/${user}`),
      fc.constantFrom('/api/payments', '/api/subscription', '/api/plans', '/widget.js', '/'),
      pathSegment.map((file) => `/demo/${file}`),
      pathSegment.map((segment) => `/api/${segment}`),
    );
    await fc.assert(
      fc.asyncProperty(target, query, authHeader, fc.boolean(), async (path, search, auth, key) => {
        const credentials = await authHeaders(auth, 'fuzz-reader');
        const headers: [string, string][] = [
          ...credentials.headers,
          ...(key && path.startsWith('/api/entitlements/')
            ? [['Authorization', `Bearer ${TEST_SERVER_API_KEY}`] as [string, string]]
            : []),
        ];
        const response = await probe('GET', `${path}${search}`, headers);

        // Only the success page's status read may write: it syncs a paid session from Stripe.
        if (!path.startsWith('/payment/checkout/')) assert.equal(response.wrote, false, path);
        if (path.startsWith('/api/promotion-codes/') && response.status < 300) {
          PromotionCheck.parse(response.json);
        }
        if (path.startsWith('/api/promotion-codes/') && response.status === 400) {
          const segment = decodeSafely(path.split('/')[3]!);
          const params = Object.fromEntries(new URLSearchParams(search));
          const code = PromotionCode.safeParse(segment);
          const rule = code.success ? PromotionCheckQuery.safeParse(params) : code;
          // A repeated parameter arrives as an array, which the schema refuses too.
          if (!rule.success && !hasRepeats(search)) {
            assert.equal(response.json.message, rule.error.issues[0]!.message);
          }
        }
        if (path === '/api/payments' && credentials.valid && !hasRepeats(search)) {
          const verdict = PaymentsQuery.safeParse(Object.fromEntries(new URLSearchParams(search)));
          // A well-formed cursor that names no payment of this buyer's is a 404.
          const expected = verdict.success ? [200, 404] : [400];
          assert.ok(expected.includes(response.status), response.text);
        }
      }),
      runs(5000),
    );
  });

  it('any method on any route: 405 with Allow, or the route’s own answer, never a 5xx', async () => {
    const paths = [
      '/payment/checkout',
      '/payment/checkout/cs_test_x',
      '/api/create-checkout-session',
      '/api/subscription/create-checkout',
      '/api/subscription/portal',
      '/api/subscription',
      '/api/payments',
      '/api/plans',
      '/api/promotion-codes/LAUNCH20',
      '/api/entitlements/fuzz-buyer',
      '/api/webhooks/stripe',
      '/demo/session',
      '/widget.js',
      '/nowhere',
    ];
    const methods = [
      'GET',
      'HEAD',
      'POST',
      'PUT',
      'PATCH',
      'DELETE',
      'OPTIONS',
      'TRACE',
      'PROPFIND',
      'PROPPATCH',
      'MKCOL',
      'COPY',
      'MOVE',
      'LOCK',
      'UNLOCK',
      'PURGE',
      'SEARCH',
      'REPORT',
      'MERGE',
      'NOTIFY',
      'SUBSCRIBE',
      'LINK',
      'QUERY',
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...methods),
        fc.constantFrom(...paths),
        fc.option(fc.constantFrom('{}', '{"planId":"weekly"}', 'x'), { nil: undefined }),
        async (method, path, body) => {
          const headers: [string, string][] = [
            ['Authorization', `Bearer ${buyerToken}`],
            ...(body === undefined
              ? []
              : [['Content-Type', 'application/json'] as [string, string]]),
          ];
          const response = await probe(method, path, headers, body);

          if (response.status === 405)
            assert.ok(response.headers.allow, 'a 405 names what is allowed');
        },
      ),
      runs(2000),
    );
  });

  it('webhooks: an unsigned or badly signed body is refused with 400 and writes nothing', async () => {
    const signature = fc.oneof(
      fc.constant(undefined),
      headerText(200),
      fc
        .tuple(
          fc.integer({ min: 0, max: 2 ** 32 }),
          fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 64, maxLength: 64 }),
        )
        .map(([t, v1]) => `t=${t},v1=${v1}`),
      fc.nat(5).map((n) => `t=${Math.floor(Date.now() / 1000)}${',v1=00'.repeat(n)},v0=abc`),
      fc.integer({ min: 4_000, max: 12_000 }).map((n) => `t=1,v1=${'a'.repeat(n)}`),
    );
    const payload = fc.oneof(
      fc.jsonValue().map((value) => JSON.stringify(value)),
      fc.constant(
        JSON.stringify(makeEvent('checkout.session.completed', { id: 'cs_test_forged' })),
      ),
      fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes)),
      fc.constant('x'.repeat(1024 * 1024 + 1)),
    );
    await fc.assert(
      fc.asyncProperty(payload, signature, contentType, async (body, stripeSignature, type) => {
        const headers: [string, string][] = [
          ...(type === undefined ? [] : [['Content-Type', type] as [string, string]]),
          ...(stripeSignature === undefined
            ? []
            : [['Stripe-Signature', stripeSignature] as [string, string]]),
        ];
        const response = await probe('POST', '/api/webhooks/stripe', headers, body);

        assert.equal(response.status, 400, response.text);
      }),
      runs(3000),
    );
  });

  it('webhooks: a signed body that is not an event is refused with 400 and writes nothing', async () => {
    const notAnEvent = fc.oneof(
      fc.jsonValue().filter((value) => !isEventShaped(value)),
      fc
        .record({
          id: fc.oneof(hostileValue, fc.constant('evt_fuzz')),
          type: fc.oneof(hostileValue, fc.constant('checkout.session.completed')),
          created: fc.oneof(hostileValue, fc.constant(1_800_000_000)),
          data: fc.oneof(hostileValue, fc.record({ object: hostileValue })),
        })
        .filter((value) => !isEventShaped(value)),
    );
    await fc.assert(
      fc.asyncProperty(notAnEvent, async (value) => {
        const body = JSON.stringify(value) ?? 'null';
        const headers: [string, string][] = [
          ['Content-Type', 'application/json'],
          ['Stripe-Signature', sign(stack, body)],
        ];
        const response = await probe('POST', '/api/webhooks/stripe', headers, body);

        assert.equal(response.status, 400, response.text);
      }),
      runs(2000),
    );
  });

  it('webhooks: a signed Stripe event, however odd its object, applies exactly once or not at all', async () => {
    const samples = await realEvents(stack);
    const change = fc.oneof(
      fc.record({ op: fc.constant('null' as const), key: fc.nat() }),
      fc.record({ op: fc.constant('drop' as const), key: fc.nat() }),
      fc.record({ op: fc.constant('set' as const), key: fc.nat(), value: hostileValue }),
      fc.record({
        op: fc.constant('metadata' as const),
        value: fc.dictionary(
          fc.constantFrom('userId', 'planId', 'plan', 'billing', '__proto__'),
          fc.oneof(fc.constantFrom(...CATALOG_IDS, 'fuzz-buyer', 'PRO', 'annual'), fc.string()),
        ),
      }),
      fc.record({
        op: fc.constant('id' as const),
        key: fc.constantFrom('subscription', 'customer', 'payment_intent', 'id'),
        value: fc.constantFrom('sub_unknown', 'cus_unknown', 'pi_unknown', null),
      }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...samples),
        fc.array(change, { maxLength: 4 }),
        async (sample, changes) => {
          const object = structuredClone(sample.data.object) as unknown as Record<string, unknown>;
          const keys = Object.keys(object);
          for (const c of changes) {
            if (c.op === 'metadata') object.metadata = c.value;
            else if (c.op === 'id') object[c.key] = c.value;
            else {
              const key = keys[c.key % keys.length]!;
              if (c.op === 'drop') delete object[key];
              else object[key] = c.op === 'null' ? null : c.value;
            }
          }
          const body = JSON.stringify(makeEvent(sample.type, object));
          const headers: [string, string][] = [
            ['Content-Type', 'application/json'],
            ['Stripe-Signature', sign(stack, body)],
          ];
          const writes = stack.writes();
          const first = await send(stack.apiUrl, {
            method: 'POST',
            path: '/api/webhooks/stripe',
            headers,
            body,
          });
          const eventId = JSON.parse(body).id as string;
          const recorded = await stack.running.storage.events.seen(eventId);

          if (first.status === 200) {
            assert.equal(recorded, true);
            const again = await probe('POST', '/api/webhooks/stripe', headers, body);
            assert.equal(again.status, 200);
            assert.equal(again.json.outcome, 'duplicate');
            assert.equal(again.wrote, false, 'a duplicate wrote again');
          } else {
            // A malformed object is refused (400) before anything is applied; Stripe retries a
            // failure while applying (500). Either way nothing of the event may be stored.
            assert.ok([400, 500].includes(first.status), first.text);
            assert.equal(recorded, false);
            assert.equal(stack.writes(), writes, 'a failed event left rows behind');
            ApiFailure.strict().parse(JSON.parse(first.text));
          }
        },
      ),
      runs(2500),
    );
  });

  it('malformed HTTP on the socket: refused with a 4xx or a closed connection, never a crash', async () => {
    const line = fc.oneof(
      {
        weight: 4,
        arbitrary: fc.constantFrom(
          'POST /payment/checkout HTTP/1.1',
          'POST /api/create-checkout-session HTTP/1.1',
          'POST /api/webhooks/stripe HTTP/1.1',
          'GET /api/plans HTTP/1.1',
          'GET /api/plans HTTP/1.0',
        ),
      },
      {
        weight: 1,
        arbitrary: fc.constantFrom(
          'GET /api/plans HTTP/9.9',
          'GET  /api/plans HTTP/1.1',
          'GET /api/plans',
          'G\u0000T /api/plans HTTP/1.1',
          'GET http://evil.example/api/plans HTTP/1.1',
          'GET * HTTP/1.1',
        ),
      },
    );
    const header = fc.oneof(
      {
        weight: 4,
        arbitrary: fc.oneof(
          fc.constantFrom(
            'Content-Length: 2',
            'Content-Length: 5',
            'Content-Length: 19',
            'Content-Length: 50',
            'Transfer-Encoding: chunked',
            'Content-Type: application/json',
            'Authorization: Bearer x',
            'Stripe-Signature: t=1,v1=00',
          ),
          headerText(60).map((text) => `X-Fuzz: ${text}`),
        ),
      },
      {
        // What request smuggling and parser confusion are made of.
        weight: 1,
        arbitrary: fc.constantFrom(
          'Host: 127.0.0.1',
          'Content-Length: -1',
          'Content-Length: 5, 6',
          'Transfer-Encoding: chunked, identity',
          'Transfer-Encoding: xchunked',
          ' folded: continuation',
          'No-Colon-Here',
          `X-Huge: ${'h'.repeat(20_000)}`,
        ),
      },
    );
    const body = fc.constantFrom(
      '',
      '{}',
      '0\r\n\r\n',
      '5\r\n{"a":\r\n0\r\n\r\n',
      'zz\r\n',
      '{"planId":"weekly"}',
    );
    const request = fc
      .tuple(
        line,
        fc.oneof(
          { weight: 4, arbitrary: fc.constant(true) },
          { weight: 1, arbitrary: fc.constant(false) },
        ),
        fc.array(header, { maxLength: 6 }),
        body,
        fc.oneof(
          { weight: 9, arbitrary: fc.constant('\r\n') },
          { weight: 1, arbitrary: fc.constant('\n') },
        ),
      )
      .map(([first, host, headers, content, eol]) => {
        // Without a Host header HTTP/1.1 stops at the door; with one, the rest gets read.
        const lines = [first, ...(host ? ['Host: 127.0.0.1'] : []), ...headers, '', content];
        return Buffer.from(lines.join(eol), 'latin1');
      });
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          { weight: 4, arbitrary: request },
          { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }).map(Buffer.from) },
        ),
        async (bytes) => {
          const writes = stack.writes();

          const status = await sendBytes(stack.apiUrl, bytes);

          if (status !== null) assert.ok(status < 500, `answered ${status}`);
          assert.equal(stack.writes(), writes);
        },
      ),
      runs(500),
    );
  });

  it('is still serving after all of it', async () => {
    const response = await request(stack.apiUrl, 'GET', '/api/plans');

    assert.equal(response.status, 200);
  });
});

/**
 * Whether the server can be expected to read this body as the JSON it is: a JSON content type,
 * a parseable object or array within the size limit, and no header that is refused first.
 */
function judgeable(body: string | Buffer, type: string | undefined, extra: [string, string][]) {
  if (type !== 'application/json' && type !== 'application/json; charset=utf-8') return false;
  if (Buffer.byteLength(body) > 16 * 1024) return false;
  if (extra.some(([name, value]) => name === 'Idempotency-Key' && value.trim().length > 255)) {
    return false;
  }
  try {
    const value: unknown = JSON.parse(String(body));
    return typeof value === 'object' && value !== null && /^\s*[[{]/.test(String(body));
  } catch {
    return false;
  }
}

function hasProtoKey(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (Object.prototype.hasOwnProperty.call(value, '__proto__')) return true;
  return Object.values(value).some(hasProtoKey);
}

function isEventShaped(value: unknown): boolean {
  const event = value as { id?: unknown; type?: unknown; created?: unknown; data?: any } | null;
  return (
    typeof event === 'object' &&
    event !== null &&
    !Array.isArray(event) &&
    typeof event.id === 'string' &&
    event.id !== '' &&
    typeof event.type === 'string' &&
    typeof event.created === 'number' &&
    typeof event.data === 'object' &&
    event.data !== null &&
    typeof event.data.object === 'object' &&
    event.data.object !== null &&
    !Array.isArray(event.data.object)
  );
}

const decodeSafely = (segment: string) => {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
};

const hasRepeats = (search: string) => {
  const keys = [...new URLSearchParams(search).keys()];
  return new Set(keys).size !== keys.length;
};

/** One real event of each kind the local Stripe sends for a subscription and a lifetime purchase. */
async function realEvents(stack: HostileStack) {
  for (const [user, body] of [
    ['fuzz-events-sub', { plan: 'PRO', billing: 'monthly' }],
    ['fuzz-events-life', undefined],
  ] as const) {
    const created = body
      ? await request(stack.apiUrl, 'POST', '/api/subscription/create-checkout', {
          token: await stack.tokenFor(user),
          body,
        })
      : await request(stack.apiUrl, 'POST', '/api/create-checkout-session', {
          body: { userId: user, planId: 'one-time' },
        });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    const paid = await stack.control.completeSession(created.body.sessionId);
    assert.ok(paid.ok);
  }
  const events = await stack.stripe.events.list({ limit: 100 });
  const byType = new Map(events.data.map((event) => [event.type, event]));
  assert.ok(byType.has('checkout.session.completed'), 'the local Stripe sent events');
  return [...byType.values()];
}
