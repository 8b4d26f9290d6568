// Starts the servers under test as child processes and stops them again.
import { fork, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AccessTokens } from '../server/http/auth.ts';
import type { DatabaseLocation } from '../server/storage/index.ts';
import { COMPILED_ENTRY, ensureCompiled, ROOT } from './compiled.ts';
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
  /** The first instance's address. */
  apiUrl: string;
  /** Every instance's, the first one's first; they share one database. */
  apiUrls: string[];
  /** PostgreSQL when `url` is set, else the SQLite file at `path`. */
  database: DatabaseLocation;
  /** The Stripe they talk to, in a process of its own, delivering events to the first. */
  stripe: StripeProcess;
  /** Signs access tokens the server accepts, as the site owner's backend does. */
  tokens: AccessTokens;
  stop(): Promise<void>;
}

export interface TilldropOptions {
  /** A postgres:// database for the data instead of a fresh SQLite file. */
  databaseUrl?: string;
  /** Instances of the API on that database; more than one needs PostgreSQL. */
  instances?: number;
  /**
   * The bench's widget pages beside the API. They are the bench's own routes, so the server runs
   * from its TypeScript (bench/server.ts) instead of the compiled build.
   */
  widgetPages?: boolean;
}

/**
 * The whole server as a merchant runs it in production (`npm run start:prod`: the compiled build,
 * plain node), on a fresh database, logging nothing per request, against a local Stripe started
 * for it. The local Stripe must know the webhook URL before the server starts, so the ports are
 * found first; another process may take one meanwhile, so a start that fails is tried again.
 */
export async function startTilldrop(options: TilldropOptions = {}): Promise<Tilldrop> {
  const instances = options.instances ?? 1;
  if (instances > 1 && !options.databaseUrl)
    throw new Error('several instances share a database only on PostgreSQL');
  const start = options.widgetPages ? startBenchServer : startCompiled;
  if (!options.widgetPages) ensureCompiled();
  for (let tries = 1; ; tries++) {
    try {
      return await tryStartTilldrop(instances, start, options.databaseUrl);
    } catch (error) {
      if (tries === 3) throw error;
    }
  }
}

type StartServer = (env: Record<string, string>) => Promise<Child<ServerReady>>;

async function tryStartTilldrop(
  instances: number,
  start: StartServer,
  databaseUrl?: string,
): Promise<Tilldrop> {
  const ports: number[] = [];
  for (let i = 0; i < instances; i++) ports.push(await freePort());
  const dir = mkdtempSync(join(tmpdir(), 'tilldrop-bench-'));
  const database: DatabaseLocation = { url: databaseUrl, path: join(dir, 'tilldrop.sqlite') };
  const authSecret = randomBytes(32).toString('base64url');
  let stripe: StripeProcess | undefined;
  const servers: Child<ServerReady>[] = [];
  const stopAll = async () => {
    for (const server of servers) await server.stop();
    await stripe?.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    stripe = await startStripe(`http://127.0.0.1:${ports[0]}/api/webhooks/stripe`);
    // One after another: the first binds the database to the Stripe account, the others find it.
    for (const port of ports) {
      const env = productionEnv({ stripe, port, database, authSecret });
      servers.push(await start(env));
    }
    const apiUrls = servers.map((server) => server.ready.apiUrl);
    return {
      apiUrl: apiUrls[0]!,
      apiUrls,
      database,
      stripe,
      tokens: new AccessTokens(authSecret),
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

const startBenchServer: StartServer = (env) => startChild<ServerReady>('./server.ts', env);

/** `npm run start:prod`'s server. */
const startCompiled: StartServer = async (env) => {
  const { stop } = await spawnRunning([...profiling, COMPILED_ENTRY], env);
  return { ready: { apiUrl: `http://127.0.0.1:${env.PORT}` }, stop };
};

/** A server process that exited before it said it was running. */
export class NotRunning extends Error {}

/**
 * Spawns node with `args` (server/main.ts or its build) and resolves once the server says it is
 * running: the port opens before the app is attached to it, so nothing is sent before that. What
 * it prints afterwards goes to stderr; stdout is the bench's table.
 */
export function spawnRunning(
  args: string[],
  env: Record<string, string>,
): Promise<{ stop(): Promise<void> }> {
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };
  return new Promise((resolve, reject) => {
    let output: string | null = '';
    child.stdout.on('data', (chunk: Buffer) => {
      if (output === null) return void process.stderr.write(chunk);
      output += chunk.toString();
      if (!/running/i.test(output)) return;
      output = null;
      resolve({ stop });
    });
    child.once('exit', (code) =>
      reject(
        new NotRunning(`${args.at(-1)} exited with ${code} before it was running:\n${output}`),
      ),
    );
  });
}

/** What a merchant's production start sets, with no request log and the per-address limit lifted. */
export function productionEnv(options: {
  stripe: StripeProcess;
  port: number;
  database: DatabaseLocation;
  authSecret?: string;
}): Record<string, string> {
  return {
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: String(options.port),
    DATABASE_PATH: options.database.path,
    // Blank is unset: a DATABASE_URL in the bench's own environment never reaches a SQLite run.
    DATABASE_URL: options.database.url ?? '',
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
