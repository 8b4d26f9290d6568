// A second click reuses the buyer's open checkout only when it asks for the same thing, return
// URLs included: a page that changed where the buyer returns must get a session that goes there.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { request, startStack, type Stack } from '../support/stack.ts';

const SITE = 'https://shop.example.com';

describe('reusing an open checkout', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({ env: { ALLOWED_ORIGINS: SITE } });
  });
  after(() => stack.close());

  const checkout = async (userId: string, successUrl: string, cancelUrl = `${SITE}/back`) => {
    const response = await request(stack.apiUrl, 'POST', '/payment/checkout', {
      token: await stack.tokenFor(userId),
      body: { planId: 'plan_basic', successUrl, cancelUrl },
    });
    assert.equal(response.status, 200, JSON.stringify(response.body));
    return response.body.data.checkoutId as string;
  };

  it('makes a new session when the success URL changed, and sends the buyer to the new one', async () => {
    const first = await checkout('moved-page', `${SITE}/thanks`);

    const second = await checkout('moved-page', `${SITE}/merci`);

    assert.notEqual(second, first);
    const made = await stack.stripe.checkout.sessions.retrieve(second);
    assert.equal(made.success_url, `${SITE}/merci`);
    const earlier = await stack.stripe.checkout.sessions.retrieve(first);
    assert.equal(earlier.status, 'expired', 'still one open checkout per buyer');
  });

  it('makes a new session when only the cancel URL changed', async () => {
    const first = await checkout('moved-cancel', `${SITE}/thanks`, `${SITE}/back`);

    const second = await checkout('moved-cancel', `${SITE}/thanks`, `${SITE}/pricing`);

    assert.notEqual(second, first);
    const made = await stack.stripe.checkout.sessions.retrieve(second);
    assert.equal(made.cancel_url, `${SITE}/pricing`);
  });

  it('still reuses the session for the same return URLs', async () => {
    const first = await checkout('same-page', `${SITE}/thanks`);

    const second = await checkout('same-page', `${SITE}/thanks`);

    assert.equal(second, first);
  });
});
