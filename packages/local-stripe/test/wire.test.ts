import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Stripe from 'stripe';
import { priceFor, startHarness, type Harness } from './support.ts';

describe("local Stripe: Stripe's wire dialect", () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  const post = (path: string, body: string, headers: Record<string, string> = {}) =>
    fetch(`${h.local.url}${path}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${h.local.secretKey}`,
        'content-type': 'application/x-www-form-urlencoded',
        ...headers,
      },
      body,
    });

  it('answers 401 without an API key, with a Request-Id', async () => {
    const response = await fetch(`${h.local.url}/v1/prices`);
    const body = (await response.json()) as { error: { type: string; message: string } };

    assert.equal(response.status, 401);
    assert.equal(body.error.type, 'authentication_error');
    assert.match(body.error.message, /You did not provide an API key/);
    assert.match(response.headers.get('request-id') ?? '', /^req_/);
  });

  it('answers 401 to a wrong key through the SDK', async () => {
    const wrong = new Stripe('sk_test_wrong_key_1234', {
      ...h.local.clientOptions,
      maxNetworkRetries: 0,
    });

    const error = await wrong.prices.list().catch((e: unknown) => e);

    assert.ok(error instanceof Stripe.errors.StripeAuthenticationError);
    assert.match(error.message, /Invalid API Key provided: sk_test_\*+1234/);
  });

  it('refuses an unknown parameter naming it', async () => {
    const response = await post('/v1/customers', 'email=a%40example.com&nickname=x');
    const body = (await response.json()) as { error: Record<string, string> };

    assert.equal(response.status, 400);
    assert.equal(body.error['code'], 'parameter_unknown');
    assert.equal(body.error['param'], 'nickname');
    assert.equal(body.error['message'], 'Received unknown parameter: nickname');
  });

  it('names nested unknown parameters with brackets', async () => {
    const price = await priceFor(h.stripe, 'one-time');

    const response = await post(
      '/v1/checkout/sessions',
      `mode=payment&line_items[0][price]=${price.id}&line_items[0][quantity]=1&line_items[0][colour]=red`,
    );
    const body = (await response.json()) as { error: Record<string, string> };

    assert.equal(body.error['param'], 'line_items[0][colour]');
  });

  it('replays an idempotent request byte for byte', async () => {
    const first = await post('/v1/customers', 'email=idem%40example.com', {
      'idempotency-key': 'key-1',
    });
    const second = await post('/v1/customers', 'email=idem%40example.com', {
      'idempotency-key': 'key-1',
    });

    assert.equal(second.status, first.status);
    assert.equal(await second.text(), await first.text());
    assert.equal(second.headers.get('idempotent-replayed'), 'true');
  });

  it('refuses an idempotency key reused with other parameters', async () => {
    await post('/v1/customers', 'email=one%40example.com', { 'idempotency-key': 'key-2' });

    const reused = await post('/v1/customers', 'email=two%40example.com', {
      'idempotency-key': 'key-2',
    });
    const body = (await reused.json()) as { error: Record<string, string> };

    assert.equal(reused.status, 400);
    assert.equal(body.error['type'], 'idempotency_error');
  });

  it('answers 404 with Stripe wording for a missing object', async () => {
    const error = await h.stripe.customers.retrieve('cus_missing').catch((e: unknown) => e);

    assert.ok(error instanceof Stripe.errors.StripeInvalidRequestError);
    assert.equal(error.statusCode, 404);
    assert.equal(error.message, "No such customer: 'cus_missing'");
  });

  it('answers 404 to an unknown route', async () => {
    const response = await fetch(`${h.local.url}/v1/nothing_here`, {
      headers: { authorization: `Bearer ${h.local.secretKey}` },
    });
    const body = (await response.json()) as { error: Record<string, string> };

    assert.equal(response.status, 404);
    assert.match(body.error['message']!, /Unrecognized request URL \(GET: \/v1\/nothing_here\)/);
  });

  it('returns injected 500s and 429s to the SDK, then recovers', async () => {
    await h.control.injectFaults({ count: 1, kind: 'error500' });
    await h.control.injectFaults({ count: 1, kind: 'rate_limit' });

    const first = await h.stripe.prices.list().catch((e: unknown) => e);
    const second = await h.stripe.prices.list().catch((e: unknown) => e);
    const third = await h.stripe.prices.list();

    assert.ok(first instanceof Stripe.errors.StripeAPIError);
    assert.ok(second instanceof Stripe.errors.StripeRateLimitError);
    assert.ok(third.data.length > 0);
  });

  it('lets the SDK retry through a dropped connection', async () => {
    const retrying = new Stripe(h.local.secretKey, {
      ...h.local.clientOptions,
      maxNetworkRetries: 2,
    });
    await h.control.injectFaults({ count: 1, kind: 'drop', path: '/v1/customers' });

    const customer = await retrying.customers.create({ email: 'dropped@example.com' });
    const matches = await h.stripe.customers.list({ email: 'dropped@example.com' });

    assert.equal(matches.data.length, 1);
    assert.equal(matches.data[0]!.id, customer.id);
  });

  it('holds a request past the client timeout', async () => {
    const impatient = new Stripe(h.local.secretKey, {
      ...h.local.clientOptions,
      maxNetworkRetries: 0,
      timeout: 200,
    });
    await h.control.injectFaults({ count: 1, kind: 'timeout' });

    const error = await impatient.prices.list().catch((e: unknown) => e);

    assert.ok(error instanceof Stripe.errors.StripeConnectionError);
  });
});
