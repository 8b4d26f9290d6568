// `npm ci && npm run build && npm prune --omit=dev && npm run start:prod` on a fresh copy of the
// working tree: the compiled server and scripts run on plain `node`, with no dev tool installed.
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { codeCacheAccepted } from '../../server/code-cache.ts';
import { AccessTokens } from '../../server/http/auth.ts';
import { freePort, startExternalStripe, type ExternalStripe } from '../support/external-stripe.ts';
import { productionEnv } from '../support/production-stack.ts';
import { request, TEST_AUTH_SECRET } from '../support/stack.ts';
import { waitFor } from '../support/wait.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DEV_TOOLS = ['tsx', 'vite', 'typescript'];

/**
 * The environment without what `npm run` sets for its scripts (npm_config_*, npm_package_*), so
 * an npm started in the copy works on the copy, never on the checkout this test runs from.
 */
const cleanEnv = () =>
  Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name) && name !== 'INIT_CWD'),
  );

function npm(copy: string, args: string[]): string {
  return execFileSync('npm', [...args, '--no-audit', '--no-fund'], {
    cwd: copy,
    env: cleanEnv(),
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** The working tree's files, committed or not, without what git ignores (dist/, build/, data/). */
function copyWorkingTree(copy: string): void {
  const files = execFileSync(
    'git',
    ['ls-files', '-z', '--cached', '--others', '--exclude-standard'],
    {
      cwd: ROOT,
      encoding: 'utf8',
    },
  )
    .split('\0')
    .filter((file) => file && existsSync(join(ROOT, file)));
  for (const file of files) {
    mkdirSync(dirname(join(copy, file)), { recursive: true });
    execFileSync('cp', ['-p', join(ROOT, file), join(copy, file)]);
  }
  // What `npm ci` would install, copied rather than fetched and compiled again; `cp -a` keeps the
  // workspace's link relative, so pruning the copy never reaches this checkout's packages.
  execFileSync('cp', ['-a', join(ROOT, 'node_modules'), join(copy, 'node_modules')]);
}

describe('the production build on a fresh copy', () => {
  const copy = mkdtempSync(join(tmpdir(), 'tilldrop-production-build-'));
  const app = join(copy, 'app');
  let buildOutput: string;
  let external: ExternalStripe;
  let server: ChildProcess;
  let serverErrors = '';
  let serverOutput = '';
  let apiUrl: string;

  before(async () => {
    mkdirSync(app);
    copyWorkingTree(app);
    buildOutput = npm(app, ['run', 'build']);
    npm(app, ['prune', '--omit=dev']);
    external = await startExternalStripe();
    const port = await freePort();
    apiUrl = `http://127.0.0.1:${port}`;
    // Its own process group, so stopping it stops the node that npm started too.
    server = spawn('npm', ['run', 'start:prod'], {
      cwd: app,
      detached: true,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: copy,
        ...productionEnv(external, port, join(copy, 'tilldrop.sqlite')),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    server.stdout!.on('data', (chunk) => (serverOutput += chunk));
    server.stderr!.on('data', (chunk) => (serverErrors += chunk));
    await waitFor(
      () =>
        fetch(`${apiUrl}/api/plans`).then(
          (answer) => answer.ok,
          () => false,
        ),
      'the compiled server',
      800,
    );
  });
  after(async () => {
    if (server?.exitCode === null && server.signalCode === null) {
      process.kill(-server.pid!, 'SIGTERM');
      await once(server, 'exit');
    }
    await external?.close();
    rmSync(copy, { recursive: true, force: true });
  });

  it('leaves no tsx, vite or typescript installed once dev dependencies are pruned', () => {
    for (const tool of DEV_TOOLS) {
      assert.equal(existsSync(join(app, 'node_modules', tool)), false, tool);
      assert.equal(existsSync(join(app, 'node_modules', '.bin', tool)), false, tool);
      // The checkout the copy came from keeps its own.
      assert.equal(existsSync(join(ROOT, 'node_modules', tool)), true, tool);
    }
  });

  it('answers GET /api/plans from the compiled server, started with plain node', async () => {
    const response = await request(apiUrl, 'GET', '/api/plans');

    assert.equal(response.status, 200);
    assert.ok(Array.isArray(response.body.plans) && response.body.plans.length > 0);
    assert.equal(server.exitCode, null);
  });

  it('makes a checkout through the piece a first POST loads, in the one server it started', async () => {
    const tokens = new AccessTokens(TEST_AUTH_SECRET);
    const userId = 'compiled-buyer';

    const created = await request(apiUrl, 'POST', '/api/create-checkout-session', {
      token: await tokens.sign(userId),
      body: { userId, planId: 'weekly' },
    });

    const plansAfter = await request(apiUrl, 'GET', '/api/plans').catch((error: Error) => error);

    assert.equal(created.status, 200, JSON.stringify(created.body));
    assert.match(created.body.url, /^http/);
    assert.equal(plansAfter instanceof Error ? plansAfter.message : plansAfter.status, 200);
    assert.equal(serverOutput.match(/Tilldrop is running/g)?.length, 1, serverOutput);
    assert.equal(server.exitCode, null, serverErrors);
  });

  it('starts the bundled server from the code cache the build wrote, which V8 takes', () => {
    const bundle = join(app, 'build/server/main.cjs');

    const accepted = codeCacheAccepted(bundle);

    assert.equal(accepted, true);
    assert.doesNotMatch(serverErrors, /main\.cjs\.cache/);
  });

  it('serves the widget at the versioned URL the build printed', async () => {
    const manifest = (await request(apiUrl, 'GET', '/widget-manifest.json')).body;
    const { path, integrity } = manifest['/widget.js'];

    const script = await fetch(`${apiUrl}${path}`);

    assert.ok(buildOutput.includes(path), buildOutput);
    assert.ok(buildOutput.includes(integrity), buildOutput);
    assert.equal(script.status, 200);
    assert.equal(
      Buffer.from(await script.arrayBuffer()).equals(
        readFileSync(join(app, 'dist/checkout-button.classic.js')),
      ),
      true,
    );
  });

  it('runs the compiled scripts: a token from build/scripts/token.js signs a buyer in', async () => {
    const token = execFileSync(process.execPath, ['build/scripts/token.js', 'compiled-buyer'], {
      cwd: app,
      env: { PATH: process.env.PATH ?? '', AUTH_SECRET: TEST_AUTH_SECRET },
      encoding: 'utf8',
    }).trim();

    const signedIn = await request(apiUrl, 'GET', '/api/subscription', { token });
    const anonymous = await request(apiUrl, 'GET', '/api/subscription');

    assert.equal(signedIn.status, 200, JSON.stringify(signedIn.body));
    assert.equal(anonymous.status, 401);
  });

  it('says what to set when the compiled server is started without a Stripe key', () => {
    const started = spawnSync(process.execPath, ['build/server/main.js'], {
      cwd: app,
      env: {
        PATH: process.env.PATH ?? '',
        PORT: '0',
        DATABASE_PATH: join(copy, 'keyless.sqlite'),
        LOG_LEVEL: 'silent',
      },
      encoding: 'utf8',
      timeout: 20_000,
    });

    assert.equal(started.status, 1);
    assert.match(started.stderr, /local Stripe runs only from the source/);
    assert.match(started.stderr, /Set STRIPE_SECRET_KEY/);
  });
});
