import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLocalStripeApp } from './app.ts';
import type { Core } from './core.ts';
import { loadPageRouters, STRIPE_JS_PATH } from './pages-loader.ts';
import { tick } from './domain/tick.ts';
import { seed } from './seed.ts';
import { Clock } from './store/clock.ts';
import { openDatabase } from './store/db.ts';
import { createStore } from './store/store.ts';
import { registerEndpoints } from './webhooks/configured-endpoints.ts';
import { DEFAULT_BACKOFF_MS, Deliverer } from './webhooks/deliverer.ts';
import { Faults } from './wire/faults.ts';

import type { LocalStripe, LocalStripeInternals, LocalStripeOptions } from './index.ts';

const TICK_MS = 15_000;
const PUBLISHABLE_KEY = /^pk_test_[A-Za-z0-9_]+$/;

/** Starts a local Stripe and hands back its core too, for tests of the flows behind the pages. */
export async function launchLocalStripe(
  options: LocalStripeOptions & LocalStripeInternals = {},
): Promise<{ stripe: LocalStripe; core: Core }> {
  const host = options.host ?? '127.0.0.1';
  const secretKey = options.secretKey ?? process.env['LOCAL_STRIPE_SECRET_KEY'] ?? 'sk_test_local';
  const publishableKey =
    options.publishableKey ?? process.env['LOCAL_STRIPE_PUBLISHABLE_KEY'] ?? 'pk_test_local';
  if (!PUBLISHABLE_KEY.test(publishableKey)) {
    throw new Error('local-stripe: the publishable key must be a pk_test_ key');
  }
  const log = options.log ?? ((line: string) => console.log(`local-stripe: ${line}`));
  const db = openDatabase(options.databasePath ?? ':memory:');
  const store = createStore(db);
  const core: Core = {
    db,
    store,
    clock: new Clock(db),
    deliverer: new Deliverer(store, {
      backoffMs: options.webhookBackoffMs ?? DEFAULT_BACKOFF_MS,
      timeoutMs: options.webhookTimeoutMs ?? 5000,
      log,
    }),
    faults: new Faults(options.faultHangMs ?? 90_000),
    publicUrl: '',
    log,
  };

  const app = createLocalStripeApp(core, {
    secretKey,
    pages: await loadPageRouters(core, { publishableKey }),
    controlOrigins: options.controlOrigins ?? [],
  });
  const server: Server = await new Promise((resolve, reject) => {
    const listening = app.listen(options.port ?? 0, host, () => resolve(listening));
    listening.once('error', reject);
  });
  const port = (server.address() as AddressInfo).port;
  core.publicUrl = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  registerEndpoints(core, options.webhookEndpoints ?? []);
  if (options.seed !== false) seed(core, typeof options.seed === 'object' ? options.seed : {});
  core.deliverer.kick();
  // Real time passes too: sessions reach expires_at and periods end without the control API.
  const ticker = setInterval(() => tick(core), TICK_MS);
  ticker.unref();

  const stripe: LocalStripe = {
    url: core.publicUrl,
    port,
    secretKey,
    publishableKey,
    stripeJsUrl: `${core.publicUrl}${STRIPE_JS_PATH}`,
    clientOptions: { host, port, protocol: 'http' },
    async close() {
      clearInterval(ticker);
      core.deliverer.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      db.close();
    },
  };
  return { stripe, core };
}
