// A whole Tilldrop for one test file: the real API on a free port, a real SQLite file (or, with
// TEST_DATABASE=postgres, a fresh PostgreSQL database) and the local Stripe, talked to through the
// real `stripe` SDK.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
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
import { createStripeClient } from '../../server/stripe/client.ts';
import { freshPostgresDatabase, testDialect } from './postgres.ts';

export const TEST_AUTH_SECRET = 'test-auth-secret-that-is-long-enough-0123456789';

export interface Stack {
  apiUrl: string;
  localStripeUrl: string;
  running: RunningServer;
  /** The SDK pointed at the same local Stripe the server uses. */
  stripe: Stripe;
  control: LocalStripeControl;
  databasePath: string;
  /** The PostgreSQL database the API uses instead of `databasePath`, if any. */
  databaseUrl?: string;
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

export async function startStack(
  options: { env?: Record<string, string>; extraRoutes?: StartOptions['extraRoutes'] } = {},
): Promise<Stack> {
  const dir = mkdtempSync(join(tmpdir(), 'tilldrop-test-'));
  const databasePath = join(dir, 'tilldrop.sqlite');
  const env = parseEnv({
    ...stackEnv(databasePath),
    ...(await testDatabaseEnv()),
    LOG_LEVEL: 'silent',
    ...options.env,
  });
  const running = await startServer(env, {
    logger: testLogger(env.LOG_LEVEL),
    extraRoutes: options.extraRoutes,
  });
  return { ...stackOf(running, dir, databasePath), databaseUrl: env.DATABASE_URL };
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

/** The clients a test needs for a started server; `close` stops it and removes `dir`. */
export function stackOf(running: RunningServer, dir: string, databasePath: string): Stack {
  const localStripe = running.localStripe!;
  const tokens = new AccessTokens(TEST_AUTH_SECRET);
  return {
    apiUrl: running.url,
    localStripeUrl: localStripe.url,
    running,
    stripe: createStripeClient({
      secretKey: localStripe.secretKey,
      local: localStripe.clientOptions,
    }),
    control: new LocalStripeControl(localStripe.url),
    databasePath,
    tokenFor: (userId, lifetimeSeconds) => tokens.sign(userId, lifetimeSeconds),
    async close() {
      await running.close();
      rmSync(dir, { recursive: true, force: true });
    },
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
