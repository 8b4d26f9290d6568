// Starts the servers under test as child processes and stops them again.
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ServerReady } from './server.ts';

export interface Child<T> {
  ready: T;
  stop(): Promise<void>;
}

/** Set BENCH_CPU_PROF=<dir> to have every server process write a V8 CPU profile there. */
const profiling = process.env.BENCH_CPU_PROF
  ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`]
  : [];

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

export interface Tilldrop extends Child<ServerReady> {
  databasePath: string;
}

/** The whole server as `npm start` runs it, on a fresh database, logging nothing per request. */
export async function startTilldrop(): Promise<Tilldrop> {
  const dir = mkdtempSync(join(tmpdir(), 'tilldrop-bench-'));
  const databasePath = join(dir, 'tilldrop.sqlite');
  const child = await startChild<ServerReady>('./server.ts', {
    ...serverEnv(databasePath),
  }).catch((error: unknown) => {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  });
  return {
    ...child,
    databasePath,
    async stop() {
      await child.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** What a production start would set, with free ports, the local Stripe in memory and no request log. */
export function serverEnv(databasePath: string, port = 0): Record<string, string> {
  return {
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: String(port),
    LOCAL_STRIPE_PORT: '0',
    DATABASE_PATH: databasePath,
    LOCAL_STRIPE_DATABASE_PATH: ':memory:',
    AUTH_SECRET: randomBytes(32).toString('base64url'),
    LOG_LEVEL: 'silent',
    // All the load comes from one loopback address; the per-address limit would refuse it.
    RATE_LIMIT_PER_IP_PER_MINUTE: '1000000000',
  };
}
