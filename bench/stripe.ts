// The local Stripe in a process of its own (`npm run stripe:local`), so the server under test
// meets Stripe as a merchant's server does: over HTTP, with a secret key, never in its own process.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { LocalStripeControl } from '@tilldrop/local-stripe/control-client';
import { createStripeClient, stripeHostOf, type Stripe } from '../server/stripe/client.ts';
import { profiling } from './profiling.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

export interface StripeProcess {
  url: string;
  secretKey: string;
  /** The signing secret of the one endpoint it delivers events to. */
  webhookSecret: string;
  /** The official SDK, pointed at it. */
  client: Stripe;
  control: LocalStripeControl;
  stop(): Promise<void>;
}

/**
 * Starts the local Stripe on a free port, in memory as it always ran for these benchmarks, with
 * its events going to `webhookUrl` when one is given. Resolves once it says where it listens.
 */
export async function startStripe(webhookUrl?: string): Promise<StripeProcess> {
  const secretKey = `sk_test_${randomBytes(12).toString('hex')}`;
  const webhookSecret = `whsec_${randomBytes(16).toString('hex')}`;
  const child = spawn(process.execPath, [...profiling, 'node_modules/.bin/local-stripe'], {
    cwd: ROOT,
    env: {
      ...process.env,
      LOCAL_STRIPE_PORT: '0',
      LOCAL_STRIPE_DATABASE_PATH: ':memory:',
      LOCAL_STRIPE_SECRET_KEY: secretKey,
      ...(webhookUrl
        ? { LOCAL_STRIPE_WEBHOOK_URL: webhookUrl, LOCAL_STRIPE_WEBHOOK_SECRET: webhookSecret }
        : {}),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = once(child, 'exit');
  const url = await new Promise<string>((resolve, reject) => {
    let output = '';
    let listening = false;
    child.stdout.setEncoding('utf8');
    // Read to the end, so a full pipe never stalls it; what it says once started (a delivery that
    // failed) goes to stderr beside the progress lines.
    child.stdout.on('data', (chunk: string) => {
      if (listening) return void process.stderr.write(chunk);
      output += chunk;
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (!match) return;
      listening = true;
      resolve(match[1]!);
    });
    void exited.then(([code]) =>
      reject(new Error(`npm run stripe:local exited with ${code} before listening:\n${output}`)),
    );
  });
  return {
    url,
    secretKey,
    webhookSecret,
    client: createStripeClient({ secretKey, local: stripeHostOf(url) }),
    control: new LocalStripeControl(url),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
    },
  };
}
