import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startExternalStripe, type ExternalStripe } from '../support/external-stripe.ts';
import { request, TEST_AUTH_SECRET } from '../support/stack.ts';
import {
  productionEnv,
  startProductionStack,
  type ProductionStack,
} from '../support/production-stack.ts';
import { waitFor } from '../support/wait.ts';

const ROOT = new URL('../../', import.meta.url);

describe('configured for production against a Stripe in another process', () => {
  let stack: ProductionStack;
  before(async () => {
    stack = await startProductionStack();
  });
  after(() => stack.close());

  test('a subscription bought through STRIPE_API_URL is granted by the webhook it sends', async () => {
    const token = await stack.tokenFor('prod-buyer');

    const created = await request(stack.apiUrl, 'POST', '/api/subscription/create-checkout', {
      token,
      body: { plan: 'PRO', billing: 'monthly' },
    });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    assert.equal(stack.running.localStripe, undefined);
    assert.ok(created.body.url.startsWith(stack.external.url));
    await stack.external.control.completeSession(created.body.sessionId);

    const entitlement = await waitFor(async () => {
      const answer = await request(stack.apiUrl, 'GET', '/api/subscription', { token });
      return answer.body.entitlement?.plan === 'PRO' ? answer.body.entitlement : undefined;
    }, 'the PRO subscription');
    assert.equal(entitlement.status, 'active');
  });
});

/**
 * `node --import tsx server/main.ts` with only `env`, as `npm start` runs it; resolves with its URL
 * once it says it is running.
 */
async function startMain(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', PORT: '0', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 30_000,
  });
  let output = '';
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = once(child, 'exit');
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      output += chunk;
      const match = /Open (http:\/\/\S+?)\/ to try the demo/.exec(output);
      if (match) resolve(match[1]!);
    });
    void exited.then(([code]) =>
      reject(new Error(`server/main.ts exited with ${code}:\n${output}`)),
    );
  });
  return {
    url,
    async close() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

describe('the demo sign-in beside a Stripe of your own', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tilldrop-demo-routes-'));
  let stripe: ExternalStripe;
  before(async () => {
    stripe = await startExternalStripe();
  });
  after(async () => {
    await stripe.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const signIn = (url: string) =>
    request(url, 'POST', '/demo/session', { body: { userId: 'alice' } });

  async function answerOf(env: Record<string, string>) {
    const server = await startMain(env);
    try {
      return await signIn(server.url);
    } finally {
      await server.close();
    }
  }

  test('signs a buyer in while the bundled local Stripe runs', async () => {
    const answer = await answerOf({
      DATABASE_PATH: join(dir, 'local.sqlite'),
      LOCAL_STRIPE_PORT: '0',
      LOCAL_STRIPE_DATABASE_PATH: ':memory:',
      AUTH_SECRET: TEST_AUTH_SECRET,
    });

    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    assert.match(answer.headers.get('set-cookie') ?? '', /^access_token=/);
  });

  test('answers 404 in production, against a Stripe in another process', async () => {
    const answer = await answerOf(productionEnv(stripe, 0, join(dir, 'production.sqlite')));

    assert.equal(answer.status, 404, JSON.stringify(answer.body));
    assert.equal(answer.headers.get('set-cookie'), null);
  });

  test('answers 404 in development once STRIPE_SECRET_KEY names a Stripe of its own', async () => {
    const answer = await answerOf({
      DATABASE_PATH: join(dir, 'development.sqlite'),
      AUTH_SECRET: TEST_AUTH_SECRET,
      STRIPE_SECRET_KEY: stripe.secretKey,
      STRIPE_WEBHOOK_SECRET: stripe.webhookSecret,
      STRIPE_API_URL: stripe.url,
    });

    assert.equal(answer.status, 404, JSON.stringify(answer.body));
    assert.equal(answer.headers.get('set-cookie'), null);
  });
});
