/// <reference types="mocha" />
import { expect } from '@open-wc/testing';
import {
  createCheckoutSession,
  getCheckoutSession,
  newIdempotencyKey,
} from '../../widget/client.ts';
import type * as Widget from '../../widget/index.ts';
import { mainStack, newUserId, startStack, stopStack, tokenFor } from './support/commands.ts';

describe('the typed client, without the element', () => {
  let api: string;

  before(async () => {
    ({ apiUrl: api } = await mainStack());
  });

  it('creates a checkout session and returns the documented envelope', async () => {
    const token = await tokenFor(newUserId());

    const response = await createCheckoutSession({ planId: 'plan_professional' }, { api, token });

    if (!response.success) throw new Error(`failed: ${response.message}`);
    expect(response.message).to.equal('Checkout session created successfully');
    expect(response.data.checkoutId).to.match(/^cs_test_/);
    expect(response.data.checkoutUrl).to.match(/^http:\/\//);
    expect(Date.parse(response.data.expiresAt)).to.be.greaterThan(Date.now());
  });

  it('reads a session back by its id', async () => {
    const token = await tokenFor(newUserId());
    const created = await createCheckoutSession({ planId: 'plan_basic_annual' }, { api, token });
    if (!created.success) throw new Error(`failed: ${created.message}`);

    const response = await getCheckoutSession(created.data.checkoutId, { api, token });

    if (!response.success) throw new Error(`failed: ${response.message}`);
    expect(response.data).to.include({
      checkoutId: created.data.checkoutId,
      status: 'open',
      planId: 'plan_basic_annual',
      plan: 'BASIC',
      billing: 'annual',
      checkoutUrl: created.data.checkoutUrl,
      fulfilled: false,
    });
  });

  it('returns the same session for the same Idempotency-Key', async () => {
    const token = await tokenFor(newUserId());
    const idempotencyKey = newIdempotencyKey();

    const first = await createCheckoutSession({ planId: 'weekly' }, { api, token, idempotencyKey });
    const again = await createCheckoutSession({ planId: 'weekly' }, { api, token, idempotencyKey });

    if (!first.success || !again.success) throw new Error('a checkout failed');
    expect(again.data.checkoutId).to.equal(first.data.checkoutId);
  });

  it("returns the server's failure envelope with its status", async () => {
    const token = await tokenFor(newUserId());

    const unknownPlan = await createCheckoutSession({ planId: 'plan_gold' }, { api, token });
    const signedOut = await getCheckoutSession('cs_test_nothing', { api });

    expect(unknownPlan).to.deep.equal({
      success: false,
      status: 404,
      message: 'Plan not found or inactive',
      code: 'plan_unavailable',
    });
    expect(signedOut).to.deep.equal({
      success: false,
      status: 401,
      message: 'Authentication required',
      code: 'authentication_required',
    });
  });

  it("reports the server's code when it refuses a promotion code", async () => {
    const token = await tokenFor(newUserId());

    const refused = await createCheckoutSession(
      { planId: 'plan_professional', promotionCode: 'EXPIRED10' },
      { api, token },
    );

    expect(refused).to.deep.equal({
      success: false,
      status: 400,
      message: 'Promotion code EXPIRED10 has expired',
      code: 'promotion_code_invalid',
    });
  });

  it('calls the server it was loaded from, when served as /widget.mjs', async () => {
    const token = await tokenFor(newUserId());
    const widget = (await import(`${api}/widget.mjs`)) as typeof Widget;

    const response = await widget.createCheckoutSession({ planId: 'weekly' }, { token });

    expect(response.success).to.equal(true);
  });

  it('returns a failure with status 0 when the server cannot be reached', async () => {
    const gone = await startStack();
    await stopStack(gone.id);

    const response = await createCheckoutSession({ planId: 'weekly' }, { api: gone.apiUrl });

    expect(response).to.deep.equal({
      success: false,
      status: 0,
      message: 'No answer from the server',
      code: undefined,
    });
  });
});
