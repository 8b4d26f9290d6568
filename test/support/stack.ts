// A whole Tilldrop for one test file: the real API on a free port, a real SQLite file (or, with
// TEST_DATABASE=postgres, a fresh PostgreSQL database) and the local Stripe, talked to through the
// real `stripe` SDK. With TEST_STACK=production, `startStack` runs the product as a merchant does:
// NODE_ENV=production with a key, a webhook secret and STRIPE_API_URL naming a local Stripe in its
// own process (`npm run stripe:local`), which the tests then drive over HTTP like any client.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino, { type Logger } from 'pino';
import type Stripe from 'stripe';
import { parseEnv } from '../../server/config.ts';
import { LocalStripeControl } from '@tilldrop/local-stripe/control-client';
import {
  createLogger,
  startServer,
  type RunningServer,
  type StartOptions,
} from '../../server/runtime.ts';
import { AccessTokens } from '../../server/http/auth.ts';
import { WEBHOOK_PATH } from '../../server/routes/webhooks.ts';
import { createStripeClient } from '../../server/stripe/client.ts';
import { freePort, startExternalStripe } from './external-stripe.ts';
import { freshPostgresDatabase, testDialect } from './postgres.ts';
import { productionEnv } from './production-stack.ts';

export const TEST_AUTH_SECRET = 'test-auth-secret-that-is-long-enough-0123456789';

export interface Stack {
  apiUrl: string;
  /** The server's APP_URL, where Stripe sends buyers back: its own URL unless one was set. */
  appUrl: string;
  localStripeUrl: string;
  running: RunningServer;
  /** The SDK pointed at the same local Stripe the server uses. */
  stripe: Stripe;
  control: LocalStripeControl;
  databasePath: string;
  /** The PostgreSQL database the API uses instead of `databasePath`, if any. */
  databaseUrl?: string;
  /**
   * The variables the server was started with, for running a merchant's script (`npm run
   * reconcile`) against the same database and Stripe, with the local Stripe's actual port.
   */
  scriptEnv: Record<string, string>;
  tokenFor(userId: string, lifetimeSeconds?: number): Promise<string>;
  close(): Promise<void>;
}

/**
 * With TEST_LOG_FILE set, every stack logs there at info level, so one scan after the run can
 * prove that no secret reaches a log line; otherwise tests stay quiet.
 */
export function testLogger(level: string) {
  const file = process.env.TEST_LOG_FILE;
  if (!file) return createLogger(level);
  return createLogger(
    'info',
    pino.destination({ dest: file, append: true, mkdir: true, sync: true }),
  );
}

/** How `startStack` runs the product: TEST_STACK=production, or the development stack. */
export const testStackMode = process.env.TEST_STACK === 'production' ? 'production' : 'development';

export interface StackOptions {
  env?: Record<string, string>;
  extraRoutes?: StartOptions['extraRoutes'];
  /** Instead of the quiet (or TEST_LOG_FILE) logger, e.g. one that keeps the lines to read. */
  logger?: Logger;
  /**
   * An SQLite file to open again across starts, whatever TEST_DATABASE says; its directory is the
   * caller's, so `close` leaves it.
   */
  databasePath?: string;
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  if (testStackMode === 'production') return startProductionModeStack(options);
  const files = apiFiles(options);
  const given = {
    ...stackEnv(files.databasePath),
    ...(await apiDatabaseEnv(options)),
    LOG_LEVEL: 'silent',
    ...options.env,
  };
  try {
    const env = parseEnv(given);
    const running = await startServer(env, {
      logger: options.logger ?? testLogger(env.LOG_LEVEL),
      extraRoutes: options.extraRoutes,
    });
    const localStripe = running.localStripe!;
    return stackOf(running, env, files, {
      localStripeUrl: localStripe.url,
      stripe: createStripeClient({
        secretKey: localStripe.secretKey,
        local: localStripe.clientOptions,
      }),
      control: new LocalStripeControl(localStripe.url),
      scriptEnv: { ...given, LOCAL_STRIPE_PORT: new URL(localStripe.url).port },
    });
  } catch (error) {
    files.remove();
    throw error;
  }
}

/**
 * The production start: the local Stripe in its own process first, told where to deliver, then the
 * server with the merchant's variables. A suite's LOCAL_STRIPE_* settings (a database file to
 * reopen) go to that process, and a STRIPE_WEBHOOK_SECRET it chose becomes the endpoint's secret.
 */
async function startProductionModeStack(options: StackOptions): Promise<Stack> {
  const files = apiFiles(options);
  const entries = Object.entries(options.env ?? {});
  const isStripeSetting = ([name]: [string, string]) => name.startsWith('LOCAL_STRIPE_');
  const stripeSettings = Object.fromEntries(entries.filter(isStripeSetting));
  const given = Object.fromEntries(entries.filter((entry) => !isStripeSetting(entry)));
  // Like Stripe, the local one signs with the first of the secrets the server accepts.
  const webhookSecrets = given.STRIPE_WEBHOOK_SECRET ?? `whsec_${randomBytes(16).toString('hex')}`;
  const port = await freePort();
  const external = await startExternalStripe({
    webhookUrl: `http://127.0.0.1:${port}${WEBHOOK_PATH}`,
    env: {
      LOCAL_STRIPE_DATABASE_PATH: ':memory:',
      ...stripeSettings,
      LOCAL_STRIPE_WEBHOOK_SECRET: webhookSecrets.split(',')[0]!.trim(),
    },
  }).catch((error: unknown) => {
    files.remove();
    throw error;
  });
  try {
    const merchantEnv = {
      ...productionEnv(external, port, files.databasePath),
      ...(await apiDatabaseEnv(options)),
      STRIPE_WEBHOOK_SECRET: webhookSecrets,
      ...given,
    };
    const env = parseEnv(merchantEnv);
    const running = await startServer(env, {
      logger: options.logger ?? testLogger(env.LOG_LEVEL),
      extraRoutes: options.extraRoutes,
    });
    return stackOf(running, env, files, {
      localStripeUrl: external.url,
      stripe: external.stripe,
      control: external.control,
      scriptEnv: merchantEnv,
      closeStripe: () => external.close(),
    });
  } catch (error) {
    await external.close();
    files.remove();
    throw error;
  }
}

interface ApiFiles {
  databasePath: string;
  remove(): void;
}

/** A started server and the Stripe it talks to, as a test uses them; `close` stops them both. */
function stackOf(
  running: RunningServer,
  env: { APP_URL?: string; DATABASE_URL?: string },
  files: ApiFiles,
  stripe: Pick<Stack, 'localStripeUrl' | 'stripe' | 'control' | 'scriptEnv'> & {
    closeStripe?: () => Promise<void>;
  },
): Stack {
  const { closeStripe, ...clients } = stripe;
  const tokens = new AccessTokens(TEST_AUTH_SECRET);
  return {
    ...clients,
    apiUrl: running.url,
    appUrl: env.APP_URL ?? running.url,
    running,
    databasePath: files.databasePath,
    databaseUrl: env.DATABASE_URL,
    tokenFor: (userId, lifetimeSeconds) => tokens.sign(userId, lifetimeSeconds),
    async close() {
      await running.close();
      await closeStripe?.();
      files.remove();
    },
  };
}

/** The API's database: the one asked for, or a new file in a directory removed at the end. */
function apiFiles(options: StackOptions): ApiFiles {
  if (options.databasePath) return { databasePath: options.databasePath, remove: () => {} };
  const dir = mkdtempSync(join(tmpdir(), 'tilldrop-test-'));
  return {
    databasePath: join(dir, 'tilldrop.sqlite'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

async function apiDatabaseEnv(options: StackOptions): Promise<{ DATABASE_URL?: string }> {
  return options.databasePath ? {} : testDatabaseEnv();
}

/** With TEST_DATABASE=postgres, a fresh PostgreSQL database instead of the SQLite file. */
export async function testDatabaseEnv(): Promise<{ DATABASE_URL?: string }> {
  return testDialect === 'postgres' ? { DATABASE_URL: await freshPostgresDatabase() } : {};
}

/** Free ports, the API's database at `databasePath` and the local Stripe's in memory. */
export function stackEnv(databasePath: string): Record<string, string> {
  return {
    PORT: '0',
    LOCAL_STRIPE_PORT: '0',
    DATABASE_PATH: databasePath,
    LOCAL_STRIPE_DATABASE_PATH: ':memory:',
    AUTH_SECRET: TEST_AUTH_SECRET,
  };
}

export interface JsonResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** A small JSON client: the tests send exactly what a browser or curl would. */
export async function request<T = any>(
  baseUrl: string,
  method: string,
  path: string,
  options: {
    body?: unknown;
    rawBody?: string;
    token?: string;
    cookie?: string;
    headers?: Record<string, string>;
  } = {},
): Promise<JsonResponse<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.body !== undefined) headers['content-type'] ??= 'application/json';
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.cookie) headers.cookie = options.cookie;
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers,
    body:
      options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
    redirect: 'manual',
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON: the assertion that reads it will say so.
  }
  return { status: response.status, body: body as T, headers: response.headers };
}
