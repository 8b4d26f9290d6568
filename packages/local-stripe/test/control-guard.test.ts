import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startHarness, type Harness } from './support.ts';

const DEMO_ORIGIN = 'http://127.0.0.1:3000';

describe('the /_local control API refuses other web pages', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ controlOrigins: [DEMO_ORIGIN] });
  });
  after(() => h.close());

  const post = (path: string, init: { headers?: Record<string, string>; body?: string } = {}) =>
    fetch(`${h.local.url}/_local${path}`, { method: 'POST', ...init });
  const customerSurvives = (id: string) =>
    h.stripe.customers.retrieve(id).then(
      () => true,
      () => false,
    );

  it('refuses a text/plain POST, the request any page can send without asking, and resets nothing', async () => {
    const customer = await h.stripe.customers.create({ email: 'kept@example.com' });

    const response = await post('/reset', {
      headers: { 'content-type': 'text/plain;charset=UTF-8' },
      body: '{}',
    });

    assert.equal(response.status, 415);
    assert.match(((await response.json()) as { error: string }).error, /application\/json/);
    assert.ok(await customerSurvives(customer.id));
  });

  it('refuses a bodyless POST without Content-Type, and form posts, with 415', async () => {
    const customer = await h.stripe.customers.create({ email: 'kept-too@example.com' });

    const bare = await post('/reset');
    const form = await post('/webhooks/hold', {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'on=true',
    });

    assert.equal(bare.status, 415);
    assert.equal(form.status, 415);
    assert.ok(await customerSurvives(customer.id));
  });

  it('refuses a cross-site request with 403, even as JSON from an allowed-looking origin', async () => {
    const response = await post('/reset', {
      headers: {
        'content-type': 'application/json',
        'sec-fetch-site': 'cross-site',
        origin: DEMO_ORIGIN,
      },
      body: '{}',
    });
    const read = await fetch(`${h.local.url}/_local/webhooks/deliveries`, {
      headers: { 'sec-fetch-site': 'cross-site' },
    });

    assert.equal(response.status, 403);
    assert.equal(read.status, 403);
  });

  it('refuses an Origin that is neither its own nor a trusted one with 403 (DNS rebinding, sandboxed frames, other local ports)', async () => {
    const customer = await h.stripe.customers.create({ email: 'kept-three@example.com' });

    for (const origin of [
      'https://evil.example.com',
      'null',
      'http://127.0.0.1:3001',
      `${h.local.url}.evil.example.com`,
    ]) {
      const response = await post('/reset', {
        headers: { 'content-type': 'application/json', origin },
        body: '{}',
      });
      assert.equal(response.status, 403, origin);
    }
    assert.ok(await customerSurvives(customer.id));
  });

  it('answers JSON from its own origin, a trusted origin, and a client that sends no Origin', async () => {
    const json = (origin?: string) =>
      post('/webhooks/hold', {
        headers: { 'content-type': 'application/json', ...(origin ? { origin } : {}) },
        body: JSON.stringify({ on: false }),
      });

    assert.equal((await json(h.local.url)).status, 200);
    assert.equal((await json(DEMO_ORIGIN)).status, 200);
    assert.equal((await json()).status, 200);
    await h.control.holdWebhooks(false);
    await h.control.reset();
    assert.equal(typeof (await h.control.now()), 'number');
  });
});
