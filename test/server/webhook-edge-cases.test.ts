import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { count, deliver, makeEvent, priceIdOf, subscriptionObject } from '../support/events.ts';
import { request, startStack, type Stack } from '../support/stack.ts';

const BAD_REQUEST = 'Bad Request';

const without = (object: object, ...keys: string[]) =>
  Object.fromEntries(Object.entries(object).filter(([key]) => !keys.includes(key)));

describe('POST /api/webhooks/stripe: edge cases', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack();
  });
  after(() => stack.close());

  it('answers a request without Stripe-Signature with 400 before reading its body (a slow-body sender holds nothing open)', async () => {
    const url = new URL('/api/webhooks/stripe', stack.apiUrl);
    const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': '100000' },
      });
      req.on('response', (response) => {
        let body = '';
        response.on('data', (chunk) => (body += chunk));
        response.on('end', () => {
          resolve({ status: response.statusCode!, body });
          req.destroy();
        });
      });
      req.on('error', reject);
      // Headers and a first few bytes; the rest of the promised body never comes.
      req.write('{"id": "evt_');
    });
    const timeout = new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error('no answer while the body was still unsent')), 3000),
    );

    const { status, body } = await Promise.race([answer, timeout]);

    assert.equal(status, 400);
    assert.deepEqual(JSON.parse(body), {
      error: BAD_REQUEST,
      message: 'Missing Stripe-Signature header',
      code: 'signature_missing',
    });
  });

  /** Sends a signed event and checks the 400, its message, and that nothing was recorded. */
  async function refused(type: string, object: object, message: string) {
    const event = makeEvent(type, object);

    const response = await deliver(stack, event);

    assert.equal(response.status, 400, JSON.stringify(response.body));
    assert.deepEqual(response.body, { error: BAD_REQUEST, message, code: 'event_malformed' });
    assert.equal(await count(stack, 'stripe_events', 'id = ?', event.id), 0);
  }

  it('refuses a signed customer.subscription.updated without items with 400 (it used to answer 500, retried for three days)', async () => {
    const subscription = subscriptionObject({
      id: 'sub_without_items',
      customer: 'cus_without_items',
      userId: 'no-items-buyer',
      priceId: await priceIdOf(stack, 'plan_basic'),
      status: 'active',
      periodStart: 1_700_000_000,
      periodEnd: 1_702_592_000,
    });

    await refused(
      'customer.subscription.updated',
      without(subscription, 'items'),
      'Malformed customer.subscription.updated event: data.object.items is missing',
    );
    assert.equal(await count(stack, 'subscriptions', 'id = ?', 'sub_without_items'), 0);
  });

  it('refuses a signed checkout.session.completed whose object lacks id and mode', async () => {
    const created = await request(stack.apiUrl, 'POST', '/api/create-checkout-session', {
      body: { userId: 'anonymous-session-buyer', planId: 'one-time' },
    });
    const session = await stack.stripe.checkout.sessions.retrieve(created.body.sessionId);

    await refused(
      'checkout.session.completed',
      without({ ...session, payment_status: 'paid' }, 'id', 'mode'),
      'Malformed checkout.session.completed event: data.object.id is missing; data.object.mode is missing',
    );
    assert.equal(await count(stack, 'purchases', 'checkout_session_id = ?', session.id), 0);
  });

  it('refuses a charge.refunded whose payment_intent is no id, and one without it', async () => {
    await refused(
      'charge.refunded',
      { id: 'ch_odd', object: 'charge', refunded: true, payment_intent: 42 },
      'Malformed charge.refunded event: data.object.payment_intent: Invalid input',
    );
    await refused(
      'charge.refunded',
      { id: 'ch_bare', object: 'charge', refunded: true },
      'Malformed charge.refunded event: data.object.payment_intent is missing',
    );
  });

  it('refuses a dispute without payment_intent, an invoice without amounts, an expired session without id', async () => {
    await refused(
      'charge.dispute.created',
      { id: 'dp_bare', object: 'dispute' },
      'Malformed charge.dispute.created event: data.object.payment_intent is missing; data.object.status is missing',
    );
    await refused(
      'invoice.paid',
      {
        id: 'in_no_amounts',
        object: 'invoice',
        customer: 'cus_x',
        currency: 'usd',
        created: 1_700_000_000,
        lines: { data: [] },
        parent: null,
      },
      'Malformed invoice.paid event: data.object.amount_due is missing; data.object.amount_paid is missing',
    );
    await refused(
      'checkout.session.expired',
      { object: 'checkout.session', payment_status: 'unpaid' },
      'Malformed checkout.session.expired event: data.object.id is missing',
    );
  });

  it('still accepts event types it does not handle, whatever their object', async () => {
    const response = await deliver(stack, makeEvent('customer.updated', { object: 'customer' }));

    assert.equal(response.status, 200);
    assert.deepEqual(response.body, { received: true, outcome: 'ignored' });
  });
});
