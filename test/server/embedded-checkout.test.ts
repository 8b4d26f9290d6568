// Stripe's embedded checkout through both signed-in dialects: `uiMode: "embedded"` makes an
// `embedded_page` session answered with its client secret instead of a URL, under every rule a
// hosted checkout keeps (one open checkout per buyer, idempotency, 409s, promotion codes).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CheckoutConfig,
  CheckoutResponse,
  EmbeddedCheckoutResponse,
  EmbeddedSubscriptionCheckoutCreated,
  SubscriptionCheckoutCreated,
} from '../../shared/index.ts';
import { ConfigError, parseEnv } from '../../server/config.ts';
import { startProductionStack, type ProductionStack } from '../support/production-stack.ts';
import { request, startStack, type Stack } from '../support/stack.ts';
import { waitFor } from '../support/wait.ts';

const SITE = 'https://shop.example.com';

describe('embedded checkout', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({ env: { ALLOWED_ORIGINS: SITE } });
  });
  after(() => stack?.close());

  const generic = async (userId: string, body: Record<string, unknown>, key?: string) =>
    request(stack.apiUrl, 'POST', '/payment/checkout', {
      token: await stack.tokenFor(userId),
      body,
      headers: key ? { 'idempotency-key': key } : {},
    });
  const seed004 = async (userId: string, body: Record<string, unknown>) =>
    request(stack.apiUrl, 'POST', '/api/subscription/create-checkout', {
      token: await stack.tokenFor(userId),
      body,
    });
  const sessionRow = async (id: string) =>
    (await stack.running.storage.sessions.find(id)) as {
      ui_mode: string;
      client_secret: string | null;
    };

  describe('POST /payment/checkout with uiMode "embedded"', () => {
    it("answers the session's client secret and no URL, in the documented envelope", async () => {
      const response = await generic('embedded-generic', {
        planId: 'plan_professional',
        uiMode: 'embedded',
      });

      assert.equal(response.status, 200, JSON.stringify(response.body));
      const body = EmbeddedCheckoutResponse.parse(response.body);
      const session = await stack.stripe.checkout.sessions.retrieve(body.data.checkoutId);
      assert.equal(body.message, 'Checkout session created successfully');
      assert.equal(body.data.checkoutUrl, null);
      assert.equal(body.data.clientSecret, session.client_secret);
      assert.match(body.data.clientSecret, new RegExp(`^${body.data.checkoutId}_secret_`));
      assert.equal(session.ui_mode, 'embedded_page');
      assert.equal(session.url, null);
    });

    it('returns to the success URL, with the session id, only if a payment method must leave the page', async () => {
      const response = await generic('embedded-return', {
        planId: 'plan_basic',
        uiMode: 'embedded',
        successUrl: `${SITE}/thanks?session_id={CHECKOUT_SESSION_ID}`,
        cancelUrl: `${SITE}/pricing`,
      });

      const session = await stack.stripe.checkout.sessions.retrieve(response.body.data.checkoutId);
      assert.equal(session.return_url, `${SITE}/thanks?session_id={CHECKOUT_SESSION_ID}`);
      assert.equal(session.redirect_on_completion, 'if_required');
      assert.equal(session.success_url, null);
      assert.equal(session.cancel_url, null);
    });

    it('keeps the hosted answer as documented without uiMode, and with uiMode "hosted"', async () => {
      for (const uiMode of [undefined, 'hosted']) {
        const response = await generic(`hosted-${uiMode}`, { planId: 'plan_basic', uiMode });

        const body = CheckoutResponse.strict().parse({
          ...response.body,
          data: CheckoutResponse.shape.data.strict().parse(response.body.data),
        });
        assert.match(body.data.checkoutUrl, /\/c\/pay\/cs_test_/);
        assert.equal('clientSecret' in response.body.data, false);
      }
    });

    it('answers 400 "Invalid uiMode. Must be hosted or embedded" for any other uiMode', async () => {
      for (const uiMode of ['popup', 42, null]) {
        const response = await generic('bad-ui-mode', { planId: 'plan_basic', uiMode });

        assert.equal(response.status, 400);
        assert.equal(response.body.success, false);
        assert.equal(response.body.message, 'Invalid uiMode. Must be hosted or embedded');
      }
    });
  });

  describe('POST /api/subscription/create-checkout with uiMode "embedded" (seed 004)', () => {
    it('answers sessionId, clientSecret and message, and no url', async () => {
      const response = await seed004('embedded-004', {
        plan: 'PRO',
        billing: 'annual',
        uiMode: 'embedded',
      });

      assert.equal(response.status, 200, JSON.stringify(response.body));
      const body = EmbeddedSubscriptionCheckoutCreated.strict().parse(response.body);
      const session = await stack.stripe.checkout.sessions.retrieve(body.sessionId);
      assert.equal(body.clientSecret, session.client_secret);
      assert.equal(session.ui_mode, 'embedded_page');
    });

    it('keeps the documented {sessionId, url, message} without uiMode', async () => {
      const response = await seed004('hosted-004', { plan: 'PRO' });

      const body = SubscriptionCheckoutCreated.strict().parse(response.body);
      assert.match(body.url, /\/c\/pay\//);
    });

    it('answers 400 in its own envelope for an unknown uiMode', async () => {
      const response = await seed004('bad-ui-mode-004', { plan: 'PRO', uiMode: 'modal' });

      assert.equal(response.status, 400);
      assert.deepEqual(response.body, {
        error: 'Bad Request',
        message: 'Invalid uiMode. Must be hosted or embedded',
        code: response.body.code,
      });
    });
  });

  describe('the rules of every checkout', () => {
    it('reuses an open embedded session for a second embedded click, with the same client secret', async () => {
      const first = await generic('reuse-embedded', { planId: 'plan_basic', uiMode: 'embedded' });

      const second = await generic('reuse-embedded', { planId: 'plan_basic', uiMode: 'embedded' });

      assert.equal(second.body.data.checkoutId, first.body.data.checkoutId);
      assert.equal(second.body.data.clientSecret, first.body.data.clientSecret);
    });

    it('keeps one open checkout per buyer across ui modes: an embedded click expires the hosted session, and back', async () => {
      const hosted = await generic('switching', { planId: 'plan_basic' });

      const embedded = await generic('switching', { planId: 'plan_basic', uiMode: 'embedded' });
      const hostedAgain = await generic('switching', { planId: 'plan_basic' });

      const ids = [hosted, embedded, hostedAgain].map((r) => r.body.data.checkoutId as string);
      assert.equal(new Set(ids).size, 3, 'a session of the other ui mode is never reused');
      const [first, second, third] = await Promise.all(
        ids.map((id) => stack.stripe.checkout.sessions.retrieve(id)),
      );
      assert.equal(first!.status, 'expired');
      assert.equal(second!.status, 'expired');
      assert.equal(third!.status, 'open');
      assert.equal(
        (await sessionRow(ids[1]!)).client_secret,
        null,
        'a closed session keeps no secret',
      );
      assert.equal((await sessionRow(ids[1]!)).ui_mode, 'embedded');
    });

    it('returns the same embedded session for a retried Idempotency-Key, and refuses the key for a hosted checkout', async () => {
      const body = { planId: 'plan_professional', uiMode: 'embedded' };
      const first = await generic('idempotent-embedded', body, 'click-1');

      const retried = await generic('idempotent-embedded', body, 'click-1');
      const hosted = await generic(
        'idempotent-embedded',
        { planId: 'plan_professional' },
        'click-1',
      );

      assert.equal(retried.body.data.clientSecret, first.body.data.clientSecret);
      assert.equal(hosted.status, 400);
      assert.equal(
        hosted.body.message,
        'This Idempotency-Key was already used for a checkout shown another way (hosted or embedded)',
      );
    });

    it('applies a promotion code to the embedded session as its discount', async () => {
      const response = await generic('embedded-promo', {
        planId: 'plan_professional',
        promotionCode: 'LAUNCH20',
        uiMode: 'embedded',
      });

      assert.equal(response.status, 200, JSON.stringify(response.body));
      const session = await stack.stripe.checkout.sessions.retrieve(response.body.data.checkoutId, {
        expand: ['discounts.promotion_code'],
      });
      const promotion = session.discounts?.[0]?.promotion_code;
      assert.equal(typeof promotion === 'object' && promotion?.code, 'LAUNCH20');
    });

    it('records a paid embedded session, then answers 409 to an embedded click for the same plan', async () => {
      const created = await generic('embedded-paid', { planId: 'plan_basic', uiMode: 'embedded' });
      const sessionId = created.body.data.checkoutId as string;
      const paid = await stack.control.completeSession(sessionId);
      assert.ok(paid.ok, JSON.stringify(paid));

      const state = await request(stack.apiUrl, 'GET', `/payment/checkout/${sessionId}`, {
        token: await stack.tokenFor('embedded-paid'),
      });
      // The subscription, and with it the entitlement, comes with its own webhook.
      await waitFor(
        () => stack.running.storage.entitlements.get('embedded-paid'),
        'the entitlement',
      );
      const again = await generic('embedded-paid', { planId: 'plan_basic', uiMode: 'embedded' });

      assert.equal(state.body.data.status, 'complete');
      assert.equal(state.body.data.fulfilled, true);
      assert.equal(state.body.data.checkoutUrl, null);
      assert.equal(again.status, 409, JSON.stringify(again.body));
      assert.equal(again.body.message, 'You are already subscribed to this plan');
    });
  });

  describe('GET /api/checkout-config', () => {
    it("names the local Stripe's publishable key, and its Stripe.js stand-in when it is the bundled one", async () => {
      const response = await request(stack.apiUrl, 'GET', '/api/checkout-config');

      assert.equal(response.status, 200);
      // Stripe in another process is any Stripe to the server: the page loads Stripe's own script.
      const standIn = stack.running.localStripe
        ? { stripeJsUrl: `${stack.localStripeUrl}/endive/stripe.js` }
        : {};
      assert.deepEqual(CheckoutConfig.parse(response.body), {
        publishableKey: 'pk_test_local',
        ...standIn,
      });
      assert.match(response.headers.get('cache-control') ?? '', /public/);
    });
  });
});

describe('STRIPE_PUBLISHABLE_KEY', () => {
  let production: ProductionStack;
  before(async () => {
    production = await startProductionStack();
  });
  after(() => production?.close());

  const PRODUCTION = {
    NODE_ENV: 'production',
    APP_URL: SITE,
    AUTH_SECRET: 'production-auth-secret-that-is-long-enough-0123',
    STRIPE_SECRET_KEY: 'sk_live_embeddedtest',
    STRIPE_WEBHOOK_SECRET: 'whsec_embeddedtest0123456789',
  };

  it('is required in production beside the secret key', () => {
    assert.throws(
      () => parseEnv(PRODUCTION),
      (error: unknown) =>
        error instanceof ConfigError &&
        /STRIPE_PUBLISHABLE_KEY: required in production/.test(error.message),
    );
    assert.equal(
      parseEnv({ ...PRODUCTION, STRIPE_PUBLISHABLE_KEY: 'pk_live_embeddedtest' })
        .STRIPE_PUBLISHABLE_KEY,
      'pk_live_embeddedtest',
    );
  });

  it('refuses a secret key, or anything else that is no pk_test_ or pk_live_ key, by name', () => {
    for (const key of ['sk_live_embeddedtest', 'pk_embedded', 'rk_test_abc']) {
      assert.throws(
        () => parseEnv({ STRIPE_PUBLISHABLE_KEY: key }),
        /STRIPE_PUBLISHABLE_KEY: must be a Stripe publishable key/,
      );
    }
  });

  it('is what GET /api/checkout-config answers in production, with no stand-in script', async () => {
    const response = await request(production.apiUrl, 'GET', '/api/checkout-config');

    assert.equal(response.status, 200);
    assert.deepEqual(response.body, { publishableKey: 'pk_test_local' });
  });
});
