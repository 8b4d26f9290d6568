// Starts the servers under test as child processes and stops them again.
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AccessTokens } from '../server/http/auth.ts';
import { profiling } from './profiling.ts';
import type { ServerReady } from './server.ts';
import { startStripe, type StripeProcess } from './stripe.ts';

export interface Child<T> {
  ready: T;
  stop(): Promise<void>;
}

export function startChild<T>(script: string, env: Record<string, string>): Promise<Child<T>> {
  const child = fork(fileURLToPath(new URL(script, import.meta.url)), [], {
    execArgv: ['--import', 'tsx', ...profiling],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.connected) child.disconnect();
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };
  return new Promise((resolve, reject) => {
    child.once('message', (message) => resolve({ ready: (message as { ready: T }).ready, stop }));
    child.once('exit', (code) =>
      reject(new Error(`${script} exited with ${code} before it was ready`)),
    );
  });
}

/** The site the server is configured for; production refuses any APP_URL but https. */
export const BENCH_APP_URL = 'https://shop.example.com';

export interface Tilldrop {
  apiUrl: string;
  databasePath: string;
  /** The Stripe it talks to, in a process of its own, delivering events to it. */
  stripe: StripeProcess;
  /** Signs access tokens the server accepts, as the site owner's backend does. */
  tokens: AccessTokens;
  stop(): Promise<void>;
}

/**
 * The whole server as a merchant runs it in production, on a fresh database, logging nothing per
 * request, against a local Stripe started for it. The local Stripe must know the webhook URL
 * before the server starts, so the port is found first; another process may take it meanwhile,
 * so a start that fails is tried again.
 */
export async function startTilldrop(): Promise<Tilldrop> {
  for (let tries = 1; ; tries++) {
    try {
      return await tryStartTilldrop();
    } catch (error) {
      if (tries === 3) throw error;
    }
  }
}

async function tryStartTilldrop(): Promise<Tilldrop> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'tilldrop-bench-'));
  const databasePath = join(dir, 'tilldrop.sqlite');
  const authSecret = randomBytes(32).toString('base64url');
  let stripe: StripeProcess | undefined;
  try {
    stripe = await startStripe(`http://127.0.0.1:${port}/api/webhooks/stripe`);
    const server = await startChild<ServerReady>(
      './server.ts',
      productionEnv({ stripe, port, databasePath, authSecret }),
    );
    const started = stripe;
    return {
      apiUrl: server.ready.apiUrl,
      databasePath,
      stripe: started,
      tokens: new AccessTokens(authSecret),
      async stop() {
        await server.stop();
        await started.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await stripe?.stop();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

/** What a merchant's production start sets, with no request log and the per-address limit lifted. */
export function productionEnv(options: {
  stripe: StripeProcess;
  port: number;
  databasePath: string;
  authSecret?: string;
}): Record<string, string> {
  return {
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: String(options.port),
    DATABASE_PATH: options.databasePath,
    APP_URL: BENCH_APP_URL,
    AUTH_SECRET: options.authSecret ?? randomBytes(32).toString('base64url'),
    STRIPE_SECRET_KEY: options.stripe.secretKey,
    STRIPE_WEBHOOK_SECRET: options.stripe.webhookSecret,
    STRIPE_PUBLISHABLE_KEY: 'pk_test_local',
    STRIPE_API_URL: options.stripe.url,
    LOG_LEVEL: 'silent',
    // All the load comes from one loopback address; the per-address limit would refuse it. The
    // per-buyer limit stays as shipped: no benchmark buyer asks more than twice.
    RATE_LIMIT_PER_IP_PER_MINUTE: '1000000000',
  };
}

/** A port nothing listens on right now, for a server whose URL must be known before it starts. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}
