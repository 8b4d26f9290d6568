// Each endpoint is mounted as its contract in shared/ describes it: the auth it names, the limits
// it names, and its dialect's envelope for every refusal.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  ApiFailure,
  dialectOfPath,
  ENDPOINTS,
  GenericFailure,
  SessionFailure,
  type Endpoint,
} from '../../shared/index.ts';
import { request, startStack, type JsonResponse, type Stack } from '../support/stack.ts';

const ENVELOPES = {
  generic: GenericFailure.strict(),
  sessions: SessionFailure.strict(),
  api: ApiFailure.strict(),
} as const;

/** A path of the contracts with each `:param` filled in. */
const concrete = (path: string) => path.replace(/:\w+/g, 'ABC123');

const call = (stack: Stack, endpoint: Endpoint, headers: Record<string, string> = {}) =>
  request(stack.apiUrl, endpoint.method, concrete(endpoint.path), {
    headers,
    body: endpoint.method === 'POST' ? {} : undefined,
  });

function assertRefused(response: JsonResponse, endpoint: Endpoint, status: number, code: string) {
  const where = `${endpoint.method} ${endpoint.path}: ${response.status} ${JSON.stringify(response.body)}`;
  assert.equal(response.status, status, where);
  assert.ok(ENVELOPES[endpoint.dialect].safeParse(response.body).success, where);
  assert.equal(response.body.code, code, where);
}

describe('endpoints mounted from their contracts', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({ env: { SERVER_API_KEY: 'server-key-for-the-tests-000000' } });
  });
  after(() => stack.close());

  it('answers every buyer endpoint called without a token with 401 in its dialect', async () => {
    const buyerOnly = ENDPOINTS.filter((endpoint) => endpoint.auth === 'buyer');
    assert.ok(buyerOnly.length >= 5);

    for (const endpoint of buyerOnly) {
      assertRefused(await call(stack, endpoint), endpoint, 401, 'authentication_required');
    }
  });

  it('answers every buyer endpoint called with an expired token with 401 in its dialect', async () => {
    const expired = await stack.tokenFor('expired-buyer', -120);

    for (const endpoint of ENDPOINTS.filter((endpoint) => endpoint.auth === 'buyer')) {
      const response = await call(stack, endpoint, { authorization: `Bearer ${expired}` });
      assertRefused(response, endpoint, 401, 'token_expired');
    }
  });

  it('answers every server-key endpoint called without the key, or with a buyer token, with 401', async () => {
    const token = await stack.tokenFor('a-buyer');
    const backendOnly = ENDPOINTS.filter((endpoint) => endpoint.auth === 'server-key');
    assert.ok(backendOnly.length >= 1);

    for (const endpoint of backendOnly) {
      assertRefused(await call(stack, endpoint), endpoint, 401, 'server_key_required');
      const asBuyer = await call(stack, endpoint, { authorization: `Bearer ${token}` });
      assertRefused(asBuyer, endpoint, 401, 'server_key_required');
    }
  });

  it('gives every contract path the dialect of its endpoint, whatever the case or a trailing slash', () => {
    for (const endpoint of ENDPOINTS) {
      const path = concrete(endpoint.path);
      for (const variant of [path, `${path}/`, path.toUpperCase()]) {
        assert.equal(dialectOfPath(variant), endpoint.dialect, variant);
      }
    }
    assert.equal(dialectOfPath('/payment/nothing-here'), 'generic');
    assert.equal(dialectOfPath('/api/create-checkout-session/extra'), 'api');
    assert.equal(dialectOfPath('/'), 'api');
  });
});

describe('rate limits mounted from the contracts', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({
      env: { RATE_LIMIT_PER_MINUTE: '2', RATE_LIMIT_PER_IP_PER_MINUTE: '2', TRUST_PROXY_HOPS: '1' },
    });
  });
  after(() => stack.close());

  /** Three calls from one address of its own: the third is over a limit of two a minute. */
  async function thirdCall(endpoint: Endpoint, address: string) {
    const via = { 'x-forwarded-for': address };
    for (let i = 0; i < 2; i++) await call(stack, endpoint, via);
    return call(stack, endpoint, via);
  }

  it("refuses the third call a minute from one address to every endpoint limited per address, in the endpoint's dialect", async () => {
    const limited = ENDPOINTS.filter((endpoint) => endpoint.rateLimit?.perAddress);
    assert.ok(limited.length >= 5);

    for (const [i, endpoint] of limited.entries()) {
      const third = await thirdCall(endpoint, `192.0.2.${i + 1}`);
      assertRefused(third, endpoint, 429, 'rate_limited');
      assert.ok(Number(third.headers.get('retry-after')) >= 1);
    }
  });

  it('never refuses an endpoint whose contract names no address limit', async () => {
    const unlimited = ENDPOINTS.filter((endpoint) => !endpoint.rateLimit?.perAddress);

    for (const [i, endpoint] of unlimited.entries()) {
      const third = await thirdCall(endpoint, `198.51.100.${i + 1}`);
      assert.notEqual(third.status, 429, `${endpoint.method} ${endpoint.path}`);
    }
  });

  it('lets no promotion-code guesser dodge the limit by changing the path’s case or adding a trailing slash', async () => {
    const via = { 'x-forwarded-for': '203.0.113.77' };
    const statuses = [];

    for (const path of [
      '/api/promotion-codes/GUESS1?plan=PRO',
      '/API/Promotion-Codes/GUESS2?plan=PRO',
      '/api/promotion-codes/GUESS3/?plan=PRO',
      '/Api/promotion-codes/GUESS4/?plan=PRO',
    ]) {
      statuses.push((await request(stack.apiUrl, 'GET', path, { headers: via })).status);
    }

    assert.deepEqual(statuses, [200, 200, 429, 429]);
  });
});
