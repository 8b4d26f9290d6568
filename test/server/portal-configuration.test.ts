// STRIPE_PORTAL_CONFIGURATION_ID, for a Stripe account without a default billing portal
// configuration: Stripe makes that default only when the portal settings are saved in the
// Dashboard, and refuses a portal session that names no configuration until then.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ConfigError, parseEnv } from '../../server/config.ts';
import { startServer, type RunningServer } from '../../server/runtime.ts';
import { nowSeconds } from '../../server/storage/index.ts';
import { startExternalStripe, type ExternalStripe } from '../support/external-stripe.ts';
import { productionEnv } from '../support/production-stack.ts';
import {
  request,
  stackEnv,
  TEST_AUTH_SECRET,
  testLogger,
  testStackMode,
} from '../support/stack.ts';
import { AccessTokens } from '../../server/http/auth.ts';

const tokens = new AccessTokens(TEST_AUTH_SECRET);

describe('the billing portal on a Stripe account without a default configuration', () => {
  let stripe: ExternalStripe;
  let configurationId: string;
  const dir = mkdtempSync(join(tmpdir(), 'tilldrop-portal-'));
  const servers: RunningServer[] = [];

  /** The API against that account, with a buyer who has a Stripe customer there. */
  async function serverWith(env: Record<string, string>, userId: string) {
    const databasePath = join(dir, `${userId}.sqlite`);
    const parsed = parseEnv({
      ...(testStackMode === 'production'
        ? productionEnv(stripe, 0, databasePath)
        : {
            ...stackEnv(databasePath),
            STRIPE_SECRET_KEY: stripe.secretKey,
            STRIPE_WEBHOOK_SECRET: stripe.webhookSecret,
            STRIPE_API_URL: stripe.url,
            LOG_LEVEL: 'silent',
          }),
      ...env,
    });
    const running = await startServer(parsed, { logger: testLogger(parsed.LOG_LEVEL) });
    servers.push(running);
    const customer = await stripe.stripe.customers.create({ metadata: { userId } });
    await running.storage.customers.remember(userId, customer.id, nowSeconds());
    return running;
  }

  const openPortal = async (running: RunningServer, userId: string) =>
    request(running.url, 'POST', '/api/subscription/portal', {
      token: await tokens.sign(userId),
      body: {},
    });

  before(async () => {
    // Started as a new Stripe account is: no catalog, no portal settings.
    stripe = await startExternalStripe({ env: { LOCAL_STRIPE_SEED: 'false' } });
    const configuration = await stripe.stripe.billingPortal.configurations.create({
      features: { invoice_history: { enabled: true } },
    });
    configurationId = configuration.id;
  });
  after(async () => {
    for (const running of servers) await running.close();
    await stripe.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('opens the portal with STRIPE_PORTAL_CONFIGURATION_ID', async () => {
    const running = await serverWith(
      { STRIPE_PORTAL_CONFIGURATION_ID: configurationId },
      'configured-buyer',
    );

    const response = await openPortal(running, 'configured-buyer');

    assert.equal(response.status, 200, JSON.stringify(response.body));
    assert.match(response.body.url, /^http/);
  });

  it('answers 500 without it, as Stripe refuses a session with no configuration there', async () => {
    const running = await serverWith({}, 'unconfigured-buyer');

    const response = await openPortal(running, 'unconfigured-buyer');

    assert.equal(response.status, 500);
    assert.equal(response.body.code, 'portal_failed');
  });

  it('refuses a STRIPE_PORTAL_CONFIGURATION_ID that is no bpc_… id, naming it', () => {
    assert.throws(
      () =>
        parseEnv({ ...stackEnv(join(dir, 'x.sqlite')), STRIPE_PORTAL_CONFIGURATION_ID: 'pc_1' }),
      (error: Error) =>
        error instanceof ConfigError &&
        /STRIPE_PORTAL_CONFIGURATION_ID: must be a billing portal/.test(error.message),
    );
  });
});
