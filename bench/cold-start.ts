// Server cold start: from spawning the server to its first answered GET /api/plans, both as
// `npm start` runs it (TypeScript through tsx) and as `npm run start:prod` does (compiled, plain
// node).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { COMPILED_ENTRY, ensureCompiled } from './compiled.ts';
import { freePort, NotRunning, productionEnv, spawnRunning } from './processes.ts';
import type { Row } from './report.ts';
import { alternating, figure } from './stats.ts';
import { startStripe, type StripeProcess } from './stripe.ts';

interface Start {
  args: string[];
  note: string;
}

const STARTS: Record<'tsx' | 'compiled', Start> = {
  tsx: {
    args: ['--import', 'tsx', 'server/main.ts'],
    note: 'node --import tsx server/main.ts, fresh database, tsx cache filled, Stripe running',
  },
  compiled: {
    args: [COMPILED_ENTRY],
    note: `node ${COMPILED_ENTRY} (npm run start:prod), fresh database, Stripe running`,
  },
};

export async function coldStartBench(options: { runs: number }): Promise<Row[]> {
  const built = ensureCompiled();
  // A merchant's server starts against a Stripe that is already there; no event is sent before
  // the first answer, so this one delivers none.
  const stripe = await startStripe();
  try {
    // The warm-up start also fills tsx's transform cache; a restarted server finds it filled.
    const rounds = await alternating(options.runs, [
      () => attempt(stripe, STARTS.tsx),
      () => attempt(stripe, STARTS.compiled),
    ]);
    const compiled = figure(rounds.map((round) => round[1]!));
    return [
      {
        name: 'cold start to first GET /api/plans · tsx',
        unit: 'ms',
        value: figure(rounds.map((round) => round[0]!)),
        note: STARTS.tsx.note,
      },
      {
        name: 'cold start to first GET /api/plans · compiled',
        unit: 'ms',
        value: compiled,
        target: '≤ 300 ms',
        met: compiled.median <= 300,
        note: `${STARTS.compiled.note}; ${built}`,
      },
    ];
  } finally {
    await stripe.stop();
  }
}

/** The free port is found before the spawn, so another process may take it first: try again. */
async function attempt(stripe: StripeProcess, start: Start): Promise<number> {
  for (let tries = 1; ; tries++) {
    try {
      return await coldStart(stripe, start);
    } catch (error) {
      if (!(error instanceof NotRunning) || tries === 3) throw error;
    }
  }
}

async function coldStart(stripe: StripeProcess, start: Start): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'tilldrop-cold-'));
  const port = await freePort();
  const env = productionEnv({ stripe, port, database: { path: join(dir, 'tilldrop.sqlite') } });
  try {
    const started = performance.now();
    // `error`, not `silent`: a server that cannot start says why before it exits.
    const server = await spawnRunning(start.args, { ...env, LOG_LEVEL: 'error' });
    try {
      const response = await fetch(`http://127.0.0.1:${port}/api/plans`);
      await response.arrayBuffer();
      if (!response.ok) throw new Error(`the first GET /api/plans answered ${response.status}`);
      return performance.now() - started;
    } finally {
      await server.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
