import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parseEnv } from '../../server/config.ts';
import { startServer } from '../../server/runtime.ts';
import { freePort } from '../support/external-stripe.ts';
import { stackEnv, TEST_AUTH_SECRET } from '../support/stack.ts';

const ROOT = new URL('../../', import.meta.url);
const dir = mkdtempSync(join(tmpdir(), 'tilldrop-production-start-'));

/** Runs `node --import tsx server/main.ts` with only `env` (no developer's shell leaks in). */
async function start(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: dir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 30_000,
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const [code] = await once(child, 'exit');
  return { code: code as number | null, output };
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function productionPorts() {
  const port = await freePort();
  const localStripePort = await freePort();
  return {
    port,
    localStripePort,
    env: {
      NODE_ENV: 'production',
      PORT: String(port),
      LOCAL_STRIPE_PORT: String(localStripePort),
      DATABASE_PATH: join(dir, 'tilldrop.sqlite'),
      LOCAL_STRIPE_DATABASE_PATH: ':memory:',
    },
  };
}

describe('starting in production', () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses to start without Stripe keys, AUTH_SECRET or APP_URL, naming each, and listens on nothing', async () => {
    const { port, localStripePort, env } = await productionPorts();

    const { code, output } = await start(env);

    assert.equal(code, 1, output);
    for (const name of ['STRIPE_SECRET_KEY', 'STRIPE_WEBHOOK_SECRET', 'AUTH_SECRET', 'APP_URL']) {
      assert.match(output, new RegExp(`${name}: required in production`));
    }
    assert.equal(await listening(port), false, 'the API port');
    assert.equal(await listening(localStripePort), false, 'the local Stripe port');
  });

  it('never starts the local Stripe (or its demo sign-in) when only STRIPE_SECRET_KEY is missing', async () => {
    const { port, localStripePort, env } = await productionPorts();

    const { code, output } = await start({
      ...env,
      AUTH_SECRET: TEST_AUTH_SECRET,
      APP_URL: 'https://shop.example.com',
      STRIPE_WEBHOOK_SECRET: 'whsec_productionstarttest0123456789',
    });

    assert.equal(code, 1, output);
    assert.match(output, /STRIPE_SECRET_KEY: required in production/);
    assert.doesNotMatch(output, /AUTH_SECRET|APP_URL|STRIPE_WEBHOOK_SECRET/);
    assert.equal(await listening(port), false, 'the API port');
    assert.equal(await listening(localStripePort), false, 'the local Stripe port');
  });

  it('refuses a plain-http APP_URL in production', async () => {
    const { code, output } = await start({
      ...(await productionPorts()).env,
      AUTH_SECRET: TEST_AUTH_SECRET,
      APP_URL: 'http://shop.example.com',
      STRIPE_SECRET_KEY: 'sk_live_productionstarttest',
      STRIPE_WEBHOOK_SECRET: 'whsec_productionstarttest0123456789',
    });

    assert.equal(code, 1, output);
    assert.match(output, /APP_URL: must be https in production/);
    assert.doesNotMatch(output, /sk_live_productionstarttest/);
  });

  it('startServer refuses a production Env without a Stripe key, however it was built', async () => {
    const port = await freePort();
    const env = {
      ...parseEnv({ ...stackEnv(join(dir, 'direct.sqlite')), PORT: String(port) }),
      NODE_ENV: 'production' as const,
    };

    await assert.rejects(startServer(env), /STRIPE_SECRET_KEY: required in production/);
    assert.equal(await listening(port), false);
  });
});
