// Server cold start: from spawning `node server/main.ts` to the first answered GET /api/plans.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serverEnv } from './processes.ts';
import type { Row } from './report.ts';
import { figure, repeat } from './stats.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

export async function coldStartBench(options: { runs: number }): Promise<Row[]> {
  // The first start also fills tsx's transform cache; a restarted server finds it filled.
  await attempt();
  const times = await repeat(options.runs, attempt);
  return [
    {
      name: 'cold start to first GET /api/plans',
      unit: 'ms',
      value: figure(times),
      note: 'node --import tsx server/main.ts, fresh database, tsx cache filled',
    },
  ];
}

/** The free port is found before the spawn, so another process may take it first: try again. */
async function attempt(): Promise<number> {
  for (let tries = 1; ; tries++) {
    try {
      return await coldStart();
    } catch (error) {
      if (!(error instanceof NotRunning) || tries === 3) throw error;
    }
  }
}

class NotRunning extends Error {}

async function coldStart(): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'tilldrop-cold-'));
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: ROOT,
    // `error`, not `silent`: a server that cannot start says why before it exits.
    env: { ...process.env, ...serverEnv(join(dir, 'tilldrop.sqlite'), port), LOG_LEVEL: 'error' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  try {
    // The port is open before the app is attached to it (the local Stripe starts in between), so
    // the first request goes out once main.ts says it is running.
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

function freePort(): Promise<number> {
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
