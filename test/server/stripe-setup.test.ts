// `npm run stripe:setup` against a Stripe in another process, as a merchant runs it against theirs.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type Stripe from 'stripe';
import { defaultCatalog } from '../../server/services/catalog.ts';
import { STRIPE_API_VERSION } from '../../server/stripe/client.ts';
import { HANDLED_EVENTS } from '../../server/stripe/handled-events.ts';
import { startExternalStripe, type ExternalStripe } from '../support/external-stripe.ts';
import { waitFor } from '../support/wait.ts';

const ROOT = new URL('../../', import.meta.url);
const PRODUCTS = 'features.subscription_update.products';
const INTERVALS = { weekly: 'week', monthly: 'month', annual: 'year', once: null } as const;

interface SetupRun {
  code: number | null;
  stdout: string;
  /** The `NAME=value` lines it asks the operator to set. */
  settings: Record<string, string>;
}

/** The environment of the test run without anything that would point the script elsewhere. */
function cleanEnv(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(process.env).filter(
      (entry): entry is [string, string] =>
        entry[1] !== undefined && !/^(STRIPE_|PLANS_FILE$|NODE_ENV$|LOCAL_STRIPE_)/.test(entry[0]),
    ),
  );
}

async function runSetup(
  stripe: ExternalStripe,
  args: string[],
  env: Record<string, string> = {},
): Promise<SetupRun> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/stripe-setup.ts', ...args], {
    cwd: ROOT,
    env: {
      ...cleanEnv(),
      STRIPE_SECRET_KEY: stripe.secretKey,
      STRIPE_API_URL: stripe.url,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
  const [code] = (await once(child, 'exit')) as [number | null];
  assert.equal(stderr, '', `stripe:setup wrote to stderr:\n${stderr}`);
  const settings = Object.fromEntries(
    [...stdout.matchAll(/^ {2}([A-Z][A-Z0-9_]+)=(\S+)$/gm)].map((m) => [m[1]!, m[2]!]),
  );
  return { code, stdout, settings };
}

/** Everything the script may write, read back in full. */
async function account(stripe: Stripe) {
  return {
    products: (await stripe.products.list({ limit: 100 })).data,
    prices: (await stripe.prices.list({ limit: 100 })).data,
    configurations: (
      await stripe.billingPortal.configurations.list({ limit: 100, expand: [`data.${PRODUCTS}`] })
    ).data,
    endpoints: (await stripe.webhookEndpoints.list({ limit: 100 })).data,
  };
}

async function priceAt(stripe: Stripe, lookupKey: string): Promise<Stripe.Price | undefined> {
  return (await stripe.prices.list({ lookup_keys: [lookupKey], expand: ['data.product'] })).data[0];
}

/** Records what Stripe posts, to check the printed secret signs it. */
async function startReceiver() {
  const received: { body: string; signature: string }[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk));
    req.on('end', () => {
      received.push({ body, signature: String(req.headers['stripe-signature']) });
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/api/webhooks/stripe`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function writePlans(dir: string, amounts: Record<string, number>): string {
  const file = join(dir, `plans-${Object.values(amounts).join('-')}.json`);
  const entries = defaultCatalog.map((entry) => ({
    ...entry,
    amount: amounts[entry.id] ?? entry.amount,
  }));
  writeFileSync(file, JSON.stringify(entries));
  return file;
}

// The cases run in order on one account, as a merchant's runs do.
describe('npm run stripe:setup on a new Stripe account', () => {
  let external: ExternalStripe;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let customer: string;
  let firstRun: SetupRun;
  const dir = mkdtempSync(join(tmpdir(), 'tilldrop-setup-'));

  before(async () => {
    external = await startExternalStripe({ env: { LOCAL_STRIPE_SEED: 'false' } });
    receiver = await startReceiver();
    customer = (await external.stripe.customers.create({ email: 'buyer@example.com' })).id;
  });
  after(async () => {
    await external.close();
    await receiver.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints the plan with --dry-run and changes nothing', async () => {
    const run = await runSetup(external, ['--webhook-url', receiver.url, '--dry-run']);

    assert.equal(run.code, 0, run.stdout);
    assert.match(run.stdout, /Dry run: 12 changes planned, nothing was changed\./);
    assert.match(run.stdout, /create price plan_basic: \$9\.00 a month/);
    assert.deepEqual(await account(external.stripe), {
      products: [],
      prices: [],
      configurations: [],
      endpoints: [],
    });
  });

  it('refuses a portal session before setup, provisions the account, and opens the portal after', async () => {
    const { stripe } = external;
    await assert.rejects(
      stripe.billingPortal.sessions.create({ customer }),
      /default configuration has not been created/,
    );

    firstRun = await runSetup(external, ['--webhook-url', receiver.url]);

    assert.equal(firstRun.code, 0, firstRun.stdout);
    for (const entry of defaultCatalog) {
      const price = await priceAt(stripe, entry.lookupKey);
      assert.ok(price, `no price ${entry.lookupKey}`);
      assert.equal(price.unit_amount, entry.amount, entry.id);
      assert.equal(price.currency, 'usd');
      assert.equal(price.recurring?.interval ?? null, INTERVALS[entry.billing], entry.id);
      assert.equal((price.product as Stripe.Product).metadata.tilldrop_plan, entry.plan);
    }
    assert.equal((await stripe.products.list()).data.length, 4);

    const configurationId = firstRun.settings.STRIPE_PORTAL_CONFIGURATION_ID!;
    const session = await stripe.billingPortal.sessions.create({
      customer,
      configuration: configurationId,
    });
    const { features } = await stripe.billingPortal.configurations.retrieve(configurationId, {
      expand: [PRODUCTS],
    });
    assert.equal(session.configuration, configurationId);
    assert.equal(features.invoice_history.enabled, true);
    assert.equal(features.payment_method_update.enabled, true);
    assert.equal(features.subscription_cancel.enabled, true);
    assert.equal(features.subscription_cancel.mode, 'at_period_end');
    assert.equal(features.subscription_update.enabled, true);
    assert.deepEqual(
      features.subscription_update.products!.flatMap((p) => p.prices).sort(),
      (await subscriptionPrices(stripe)).sort(),
    );
    // Upgrades are charged prorated at once; downgrades wait for the end of the period.
    assert.equal(features.subscription_update.proration_behavior, 'always_invoice');
    assert.deepEqual(
      features.subscription_update.schedule_at_period_end.conditions.map((c) => c.type).sort(),
      ['decreasing_item_amount', 'shortening_interval'],
    );
    // Stripe makes a default only from the Dashboard, so sessions still have to name this one.
    await assert.rejects(stripe.billingPortal.sessions.create({ customer }));

    const endpoints = (await stripe.webhookEndpoints.list()).data;
    assert.equal(endpoints.length, 1);
    assert.equal(endpoints[0]!.url, receiver.url);
    assert.equal(endpoints[0]!.api_version, STRIPE_API_VERSION);
    assert.deepEqual([...endpoints[0]!.enabled_events].sort(), [...HANDLED_EVENTS].sort());
  });

  it('prints the signing secret of the endpoint it created, once, and that secret verifies its events', async () => {
    const { stripe, control } = external;
    const secret = firstRun.settings.STRIPE_WEBHOOK_SECRET!;
    const checkout = await stripe.checkout.sessions.create({
      mode: 'subscription',
      line_items: [{ price: (await priceAt(stripe, 'plan_basic'))!.id, quantity: 1 }],
      success_url: 'https://shop.example/ok',
    });

    await control.completeSession(checkout.id);
    const delivery = await waitFor(
      () => receiver.received.find((r) => r.body.includes('"checkout.session.completed"')),
      'checkout.session.completed at the endpoint',
    );
    const again = await runSetup(external, ['--webhook-url', receiver.url]);

    assert.match(secret, /^whsec_\w+$/);
    const event = stripe.webhooks.constructEvent(delivery.body, delivery.signature, secret);
    assert.equal(event.type, 'checkout.session.completed');
    assert.equal(again.settings.STRIPE_WEBHOOK_SECRET, undefined);
    assert.match(again.stdout, /cannot be printed again.*Roll secret/);
  });

  it('changes nothing on a second run, and says so', async () => {
    const before = await account(external.stripe);

    const run = await runSetup(external, ['--webhook-url', receiver.url]);

    assert.equal(run.code, 0, run.stdout);
    assert.match(run.stdout, /Nothing to change: the account already matches the catalog\./);
    assert.equal(
      run.settings.STRIPE_PORTAL_CONFIGURATION_ID,
      firstRun.settings.STRIPE_PORTAL_CONFIGURATION_ID,
    );
    assert.deepEqual(await account(external.stripe), before);
  });

  it('leaves an endpoint in another API version alone and says how to replace it', async () => {
    const { stripe } = external;
    const url = receiver.url.replace('/stripe', '/old');
    const old = await stripe.webhookEndpoints.create({
      url,
      enabled_events: ['*'],
      api_version: '2024-06-20',
    });
    const stored = await stripe.webhookEndpoints.retrieve(old.id);

    const run = await runSetup(external, ['--webhook-url', url]);

    assert.equal(run.code, 1, run.stdout);
    assert.match(run.stdout, new RegExp(`delete ${old.id}`));
    const atUrl = (await stripe.webhookEndpoints.list()).data.filter((e) => e.url === url);
    assert.deepEqual(atUrl, [stored]);
  });

  it('puts a changed amount on a new price that takes over the lookup key, and archives the old one', async () => {
    const { stripe } = external;
    const old = (await priceAt(stripe, 'plan_basic'))!;
    const plans = writePlans(dir, { plan_basic: 1200 });

    const run = await runSetup(external, ['--webhook-url', receiver.url], { PLANS_FILE: plans });
    const rerun = await runSetup(external, ['--webhook-url', receiver.url], { PLANS_FILE: plans });

    assert.equal(run.code, 0, run.stdout);
    const current = (await priceAt(stripe, 'plan_basic'))!;
    assert.notEqual(current.id, old.id);
    assert.equal(current.unit_amount, 1200);
    assert.equal((current.product as Stripe.Product).id, (old.product as Stripe.Product).id);
    const archived = await stripe.prices.retrieve(old.id);
    assert.equal(archived.active, false);
    assert.equal(archived.lookup_key, null);
    const { features } = await stripe.billingPortal.configurations.retrieve(
      run.settings.STRIPE_PORTAL_CONFIGURATION_ID!,
      { expand: [PRODUCTS] },
    );
    const switchable = features.subscription_update.products!.flatMap((p) => p.prices);
    assert.ok(switchable.includes(current.id) && !switchable.includes(old.id));
    assert.match(rerun.stdout, /Nothing to change/);
  });
});

async function subscriptionPrices(stripe: Stripe): Promise<string[]> {
  const entries = defaultCatalog.filter((e) => e.mode === 'subscription');
  return Promise.all(entries.map(async (e) => (await priceAt(stripe, e.lookupKey))!.id));
}

describe('npm run stripe:setup on an account whose portal settings were saved in the Dashboard', () => {
  let external: ExternalStripe;
  before(async () => {
    // Seeded: the catalog's prices exist, and so does a default portal configuration.
    external = await startExternalStripe();
  });
  after(() => external.close());

  it('configures the default, so portal sessions need no configuration, and adopts the existing prices', async () => {
    const { stripe } = external;
    const pricesBefore = await Promise.all(
      defaultCatalog.map(async (e) => (await priceAt(stripe, e.lookupKey))!.id),
    );
    const customer = (await stripe.customers.create({ email: 'buyer@example.com' })).id;

    const run = await runSetup(external, []);
    const rerun = await runSetup(external, []);

    assert.equal(run.code, 0, run.stdout);
    assert.equal(run.settings.STRIPE_PORTAL_CONFIGURATION_ID, undefined);
    const pricesAfter = await Promise.all(
      defaultCatalog.map(async (e) => (await priceAt(stripe, e.lookupKey))!.id),
    );
    assert.deepEqual(pricesAfter, pricesBefore);
    const [fallback] = (
      await stripe.billingPortal.configurations.list({
        is_default: true,
        expand: [`data.${PRODUCTS}`],
      })
    ).data;
    assert.equal(fallback!.features.subscription_update.enabled, true);
    assert.deepEqual(
      fallback!.features.subscription_update.products!.flatMap((p) => p.prices).sort(),
      (await subscriptionPrices(stripe)).sort(),
    );
    const session = await stripe.billingPortal.sessions.create({ customer });
    assert.equal(session.configuration, fallback!.id);
    assert.match(rerun.stdout, /Nothing to change/);
  });
});
