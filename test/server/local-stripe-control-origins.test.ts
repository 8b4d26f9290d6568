import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startStack, type Stack } from '../support/stack.ts';

describe('the local Stripe beside the API trusts the API’s pages', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack();
  });
  after(() => stack.close());

  it('lets the API’s own origin drive the control API and refuses any other', async () => {
    const from = (origin: string) =>
      fetch(`${stack.localStripeUrl}/_local/clock/advance`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin },
        body: JSON.stringify({ seconds: 0 }),
      });

    assert.equal((await from(new URL(stack.apiUrl).origin)).status, 200);
    assert.equal((await from('https://evil.example.com')).status, 403);
  });
});
