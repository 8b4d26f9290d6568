// Cross-site request forgery: a page on another site submits a form to the API, and the browser
// attaches the buyer's `access_token` cookie unless the cookie is SameSite.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ApiFailure, GenericFailure, SessionFailure } from '../../shared/index.ts';
import { makeEvent, sign } from '../support/events.ts';
import { startHostileStack, type HostileStack } from '../support/fuzz-stack.ts';
import { request } from '../support/stack.ts';

const EMBEDDING_SITE = 'https://shop.example.com';
const ATTACKER = 'https://evil.example.com';
const REFUSAL = 'Requests from other sites may not use the sign-in cookie';

describe('cross-site requests with the buyer’s cookie', () => {
  let stack: HostileStack;
  let cookie: string;
  before(async () => {
    stack = await startHostileStack({ env: { ALLOWED_ORIGINS: EMBEDDING_SITE } });
    cookie = `access_token=${await stack.tokenFor('csrf-victim')}`;
  });
  after(() => stack.close());

  /** What a browser sends for `<form method=post action=…>` submitted from `origin`. */
  const formPost = (path: string, origin: string, fields: string, site = 'cross-site') =>
    request(stack.apiUrl, 'POST', path, {
      cookie,
      rawBody: fields,
      headers: {
        origin,
        'sec-fetch-site': site,
        'sec-fetch-mode': 'navigate',
        'content-type': 'application/x-www-form-urlencoded',
      },
    });

  it('refuses a cross-site form POST carrying the cookie with 403 in each dialect’s envelope, writing nothing', async () => {
    const before = stack.writes();

    const generic = await formPost('/payment/checkout', ATTACKER, 'planId=plan_basic');
    const sessions = await formPost(
      '/api/create-checkout-session',
      ATTACKER,
      'userId=csrf-victim&planId=weekly',
    );
    const subscription = await formPost('/api/subscription/create-checkout', ATTACKER, 'plan=PRO');
    const portal = await formPost('/api/subscription/portal', ATTACKER, '');

    assert.deepEqual(
      [generic.status, sessions.status, subscription.status, portal.status],
      [403, 403, 403, 403],
    );
    const code = 'cross_site_request';
    assert.deepEqual(GenericFailure.parse(generic.body), {
      success: false,
      message: REFUSAL,
      code,
    });
    assert.deepEqual(SessionFailure.parse(sessions.body), { error: REFUSAL, code });
    assert.deepEqual(ApiFailure.parse(subscription.body), {
      error: 'Forbidden',
      message: REFUSAL,
      code,
    });
    assert.deepEqual(ApiFailure.parse(portal.body), { error: 'Forbidden', message: REFUSAL, code });
    assert.equal(stack.writes(), before);
  });

  it('refuses the cookie from a sandboxed iframe (Origin: null) and from a cross-site request without Origin', async () => {
    const sandboxed = await formPost('/payment/checkout', 'null', 'planId=plan_basic');
    const noOrigin = await request(stack.apiUrl, 'POST', '/api/subscription/create-checkout', {
      cookie,
      body: { plan: 'PRO' },
      headers: { 'sec-fetch-site': 'cross-site' },
    });

    assert.equal(sandboxed.status, 403);
    assert.equal(noOrigin.status, 403);
    assert.equal(ApiFailure.parse(noOrigin.body).message, REFUSAL);
  });

  it('refuses a sibling site’s page, which SameSite=Lax does not stop', async () => {
    const sibling = await request(stack.apiUrl, 'POST', '/payment/checkout', {
      cookie,
      body: { planId: 'plan_basic' },
      headers: { origin: 'https://user-content.example.com', 'sec-fetch-site': 'same-site' },
    });

    assert.equal(sibling.status, 403);
  });

  it('takes the cookie from the API’s own pages and from an allowed origin on another site', async () => {
    const ownOrigin = new URL(stack.apiUrl).origin;

    const samePage = await request(stack.apiUrl, 'POST', '/payment/checkout', {
      cookie,
      body: { planId: 'plan_basic' },
      headers: { origin: ownOrigin, 'sec-fetch-site': 'same-origin' },
    });
    const embedded = await request(stack.apiUrl, 'POST', '/api/subscription/create-checkout', {
      cookie: `access_token=${await stack.tokenFor('csrf-embedded')}`,
      body: { plan: 'PRO' },
      headers: { origin: EMBEDDING_SITE, 'sec-fetch-site': 'cross-site' },
    });

    assert.equal(samePage.status, 200);
    assert.equal(embedded.status, 200);
    assert.equal(embedded.headers.get('access-control-allow-origin'), EMBEDDING_SITE);
  });

  it('keeps working for curl and servers, which send the cookie without Origin or Sec-Fetch-Site (seed 004)', async () => {
    const curl = await request(stack.apiUrl, 'POST', '/api/subscription/create-checkout', {
      cookie: `access_token=${await stack.tokenFor('csrf-curl')}`,
      body: { plan: 'PRO', billing: 'annual' },
    });
    // No browser writes this Origin, so it came from a client that chose its own headers.
    const handWritten = await request(stack.apiUrl, 'POST', '/payment/checkout', {
      cookie: `access_token=${await stack.tokenFor('csrf-script')}`,
      body: { planId: 'plan_basic' },
      headers: { origin: 'my-backend' },
    });

    assert.equal(curl.status, 200);
    assert.equal(handWritten.status, 200);
  });

  it('does not judge Bearer-authenticated requests or reads by where they come from', async () => {
    const bearer = await request(stack.apiUrl, 'POST', '/payment/checkout', {
      token: await stack.tokenFor('csrf-bearer'),
      cookie,
      body: { planId: 'plan_basic' },
      headers: { origin: ATTACKER, 'sec-fetch-site': 'cross-site' },
    });
    const read = await request(stack.apiUrl, 'GET', '/api/subscription', {
      cookie,
      headers: { origin: ATTACKER, 'sec-fetch-site': 'cross-site' },
    });

    assert.equal(bearer.status, 200);
    assert.equal(read.status, 200);
    // The attacker's page gets the answer to a read only if CORS lets it, and CORS does not.
    assert.equal(read.headers.get('access-control-allow-origin'), null);
  });

  it('lets Stripe’s webhooks through whatever Origin and cookie they carry', async () => {
    const payload = JSON.stringify(makeEvent('customer.created', { id: 'cus_csrf' }));

    const response = await request(stack.apiUrl, 'POST', '/api/webhooks/stripe', {
      cookie,
      rawBody: payload,
      headers: {
        origin: ATTACKER,
        'sec-fetch-site': 'cross-site',
        'content-type': 'application/json',
        'stripe-signature': sign(stack, payload),
      },
    });

    assert.equal(response.status, 200);
  });
});
