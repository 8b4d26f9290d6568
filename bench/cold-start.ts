// Server cold start: from spawning `node server/main.ts` to the first answered GET /api/plans.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, productionEnv } from './processes.ts';
import type { Row } from './report.ts';
import { figure, repeat } from './stats.ts';
import { startStripe, type StripeProcess } from './stripe.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

export async function coldStartBench(options: { runs: number }): Promise<Row[]> {
  // A merchant's server starts against a Stripe that is already there; no event is sent before
  // the first answer, so this one delivers none.
  const stripe = await startStripe();
  try {
    // The first start also fills tsx's transform cache; a restarted server finds it filled.
    await attempt(stripe);
    const times = await repeat(options.runs, () => attempt(stripe));
    return [
      {
        name: 'cold start to first GET /api/plans',
        unit: 'ms',
        value: figure(times),
        note: 'node --import tsx server/main.ts, fresh database, tsx cache filled, Stripe running',
      },
    ];
  } finally {
    await stripe.stop();
  }
}

/** The free port is found before the spawn, so another process may take it first: try again. */
async function attempt(stripe: StripeProcess): Promise<number> {
  for (let tries = 1; ; tries++) {
    try {
      return await coldStart(stripe);
    } catch (error) {
      if (!(error instanceof NotRunning) || tries === 3) throw error;
    }
  }
}

class NotRunning extends Error {}

async function coldStart(stripe: StripeProcess): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'tilldrop-cold-'));
  const port = await freePort();
  const env = productionEnv({ stripe, port, database: { path: join(dir, 'tilldrop.sqlite') } });
  const started = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: ROOT,
    // `error`, not `silent`: a server that cannot start says why before it exits.
    env: { ...process.env, ...env, LOG_LEVEL: 'error' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  try {
    // The port opens before the app is attached to it, so the first request goes out once
    // main.ts says it is running.
    let output = '';
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (/running/i.test(output)) resolve();
      });
      void exited.then((code) =>
        reject(
          new NotRunning(`server/main.ts exited with ${code} before it was running:\n${output}`),
        ),
      );
    });
    const response = await fetch(`http://127.0.0.1:${port}/api/plans`);
    await response.arrayBuffer();
    if (!response.ok) throw new Error(`the first GET /api/plans answered ${response.status}`);
    return performance.now() - started;
  } finally {
    child.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  }
}
