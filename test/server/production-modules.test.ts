// The local Stripe is a development tool: a production start must not even load its code.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { freePort, startExternalStripe, type ExternalStripe } from '../support/external-stripe.ts';
import { productionEnv } from '../support/production-stack.ts';

const MAIN = fileURLToPath(new URL('../../server/main.ts', import.meta.url));
const RECORDER = fileURLToPath(new URL('../support/record-loaded-modules.ts', import.meta.url));
const TSX = import.meta.resolve('tsx');
/** Every module of the package lives under its folder, whatever name it is imported by. */
const PACKAGE_DIR = new URL('../', import.meta.resolve('@tilldrop/local-stripe')).href;

describe('the modules a start loads', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tilldrop-modules-'));
  let external: ExternalStripe;
  let starts = 0;
  before(async () => {
    external = await startExternalStripe();
  });
  after(async () => {
    await external.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Runs `server/main.ts` with only `env` until it says it is running; the URLs it loaded. */
  async function modulesLoadedBy(env: Record<string, string>): Promise<string[]> {
    const record = join(dir, `loaded-${++starts}.txt`);
    const child = spawn(process.execPath, ['--import', TSX, '--import', RECORDER, MAIN], {
      // Outside the repository, so no developer's `.env` is read.
      cwd: dir,
      env: { PATH: process.env.PATH ?? '', HOME: dir, LOADED_MODULES_FILE: record, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 30_000,
    });
    let output = '';
    const running = new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('Tilldrop is running')) resolve();
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.once('exit', (code) => reject(new Error(`exited with ${code}:\n${output}`)));
    });
    try {
      await running;
    } finally {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await once(child, 'exit');
      }
    }
    return readFileSync(record, 'utf8').split('\n').filter(Boolean);
  }

  it('a production start against a Stripe in another process loads no module of the local Stripe', async () => {
    const port = await freePort();

    const loaded = await modulesLoadedBy(
      productionEnv(external, port, join(dir, 'production.sqlite')),
    );

    assert.ok(
      loaded.some((url) => url.endsWith('/server/runtime.ts')),
      'the server was recorded',
    );
    assert.deepEqual(
      loaded.filter((url) => url.startsWith(PACKAGE_DIR)),
      [],
    );
  });

  it('a development start without STRIPE_SECRET_KEY loads the local Stripe it runs', async () => {
    const loaded = await modulesLoadedBy({
      NODE_ENV: 'development',
      PORT: String(await freePort()),
      DATABASE_PATH: join(dir, 'development.sqlite'),
      LOCAL_STRIPE_PORT: '0',
      LOCAL_STRIPE_DATABASE_PATH: ':memory:',
      LOG_LEVEL: 'silent',
    });

    assert.ok(loaded.includes(new URL('src/index.ts', PACKAGE_DIR).href), loaded.join('\n'));
  });
});
