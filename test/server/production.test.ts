import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from '../support/stack.ts';
import { startProductionStack, type ProductionStack } from '../support/production-stack.ts';
import { waitFor } from '../support/wait.ts';

describe('configured for production against a Stripe in another process', () => {
  let stack: ProductionStack;
  before(async () => {
    stack = await startProductionStack();
  });
  after(() => stack.close());

  test('a subscription bought through STRIPE_API_URL is granted by the webhook it sends', async () => {
    const token = await stack.tokenFor('prod-buyer');

    const created = await request(stack.apiUrl, 'POST', '/api/subscription/create-checkout', {
      token,
      body: { plan: 'PRO', billing: 'monthly' },
    });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    assert.equal(stack.running.localStripe, undefined);
    assert.ok(created.body.url.startsWith(stack.external.url));
    await stack.external.control.completeSession(created.body.sessionId);

    const entitlement = await waitFor(async () => {
      const answer = await request(stack.apiUrl, 'GET', '/api/subscription', { token });
      return answer.body.entitlement?.plan === 'PRO' ? answer.body.entitlement : undefined;
    }, 'the PRO subscription');
    assert.equal(entitlement.status, 'active');
  });
});
