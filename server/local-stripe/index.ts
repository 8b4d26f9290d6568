import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLocalStripeApp } from './app.ts';
import type { Core } from './core.ts';
import { loadPageRouters } from './pages-loader.ts';
import { seed } from './seed.ts';
import { Clock } from './store/clock.ts';
import { openDatabase } from './store/db.ts';
import { createStore } from './store/store.ts';
import { registerEndpoints } from './webhooks/configured-endpoints.ts';
import { DEFAULT_BACKOFF_MS, Deliverer } from './webhooks/deliverer.ts';
import { Faults } from './wire/faults.ts';

export interface LocalStripeOptions {
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  /** ':memory:' for tests. */
  databasePath?: string;
  /** The only API key accepted. */
  secretKey?: string;
  /** More can be added through `POST /v1/webhook_endpoints`. */
  webhookEndpoints?: { url: string; secret: string }[];
  /** The plan catalog and promotion codes; on unless false. */
  seed?: boolean;
  log?: (line: string) => void;
}

export interface LocalStripe {
  /** e.g. http://127.0.0.1:12111, also the base of hosted page URLs. */
  url: string;
  port: number;
  secretKey: string;
  /** SDK options that point the official client here. */
  clientOptions: { host: string; port: number; protocol: 'http' };
  close(): Promise<void>;
}

/** Tuning that tests and the demo may want; not part of the public options. */
export interface LocalStripeInternals {
  webhookBackoffMs?: number[];
  webhookTimeoutMs?: number;
  /** How long an injected `timeout` fault holds a request. */
  faultHangMs?: number;
}

export async function startLocalStripe(
  options: LocalStripeOptions & LocalStripeInternals = {},
): Promise<LocalStripe> {
  const host = options.host ?? '127.0.0.1';
  const secretKey = options.secretKey ?? process.env['LOCAL_STRIPE_SECRET_KEY'] ?? 'sk_test_local';
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

  const app = createLocalStripeApp(core, { secretKey, pages: await loadPageRouters(core) });
  const server: Server = await new Promise((resolve, reject) => {
    const listening = app.listen(options.port ?? 0, host, () => resolve(listening));
    listening.once('error', reject);
  });
  const port = (server.address() as AddressInfo).port;
  core.publicUrl = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  registerEndpoints(core, options.webhookEndpoints ?? []);
  if (options.seed ?? true) seed(core);
  core.deliverer.kick();

  return {
    url: core.publicUrl,
    port,
    secretKey,
    clientOptions: { host, port, protocol: 'http' },
    async close() {
      core.deliverer.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      db.close();
    },
  };
}
