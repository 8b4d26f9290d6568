// Success and cancel URLs: Stripe sends the buyer there, so only plain http(s) pages of the site's
// own origins are accepted, normalised, and only https in production.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { request, startStack, type Stack } from '../support/stack.ts';
import { startProductionStack, type ProductionStack } from '../support/production-stack.ts';

const SITE = 'https://shop.example.com';

describe('success and cancel URLs of POST /payment/checkout (seed 000)', () => {
  let stack: Stack;
  let token: string;
  before(async () => {
    stack = await startStack({ env: { ALLOWED_ORIGINS: SITE } });
    token = await stack.tokenFor('returning-buyer');
  });
  after(() => stack.close());

  const checkout = (urls: { successUrl?: string; cancelUrl?: string }, as = token) =>
    request(stack.apiUrl, 'POST', '/payment/checkout', {
      token: as,
      body: { planId: 'plan_basic', ...urls },
    });

  it('refuses a javascript: URL as not http(s), in the dialect’s 400', async () => {
    const response = await checkout({ successUrl: 'javascript:alert(document.cookie)' });

    assert.equal(response.status, 400);
    assert.deepEqual(response.body, {
      success: false,
      message: 'successUrl must be an http or https URL',
      code: 'url_not_allowed',
    });
  });

  it('refuses a URL with a user name and password on an allowed origin', async () => {
    const response = await checkout({ cancelUrl: `https://user:pass@shop.example.com/back` });

    assert.equal(response.status, 400);
    assert.deepEqual(response.body, {
      success: false,
      message: 'cancelUrl must not contain a user name or password',
      code: 'url_not_allowed',
    });
  });

  it('refuses control characters, which the URL parser would silently drop', async () => {
    for (const successUrl of [`${SITE}/th\nanks`, `${SITE}/thanks\t`, `${SITE}/a\u0000b`]) {
      const response = await checkout({ successUrl });

      assert.equal(response.status, 400, JSON.stringify(successUrl));
      assert.deepEqual(response.body, {
        success: false,
        message: 'successUrl must not contain control characters',
        code: 'url_not_allowed',
      });
    }
  });

  it('sends Stripe the normalised URL, keeping the session id placeholder', async () => {
    const created = await checkout(
      {
        successUrl:
          'HTTPS://Shop.Example.com:443/a/../thanks/{CHECKOUT_SESSION_ID}?s={CHECKOUT_SESSION_ID}',
        cancelUrl: `${SITE}/pricing#plans`,
      },
      await stack.tokenFor('normalised-buyer'),
    );

    assert.equal(created.status, 200, JSON.stringify(created.body));
    const session = await stack.stripe.checkout.sessions.retrieve(created.body.data.checkoutId);
    assert.equal(
      session.success_url,
      `${SITE}/thanks/{CHECKOUT_SESSION_ID}?s={CHECKOUT_SESSION_ID}`,
    );
    assert.equal(session.cancel_url, `${SITE}/pricing#plans`);
  });

  it('still refuses another origin', async () => {
    const response = await checkout({ successUrl: 'https://shop.example.com.evil.example/' });

    assert.equal(response.status, 400);
    assert.deepEqual(response.body, {
      success: false,
      message: 'successUrl must be on an allowed origin',
      code: 'url_not_allowed',
    });
  });
});

describe('success and cancel URLs in production', () => {
  let stack: ProductionStack;
  before(async () => {
    stack = await startProductionStack();
  });
  after(() => stack.close());

  it('refuses a plain http URL, even to the site’s own host', async () => {
    const response = await request(stack.apiUrl, 'POST', '/payment/checkout', {
      token: await stack.tokenFor('production-buyer'),
      body: { planId: 'plan_basic', successUrl: 'http://shop.example.com/thanks' },
    });

    assert.equal(response.status, 400);
    assert.deepEqual(response.body, {
      success: false,
      message: 'successUrl must be an https URL',
      code: 'url_not_allowed',
    });
  });
});
