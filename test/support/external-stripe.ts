// The product as a merchant runs it: NODE_ENV=production, a secret key and a webhook secret,
// talking over HTTP to a Stripe in another process (`npm run stripe:local`), never to one it
// started itself.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type Stripe from 'stripe';
import { LocalStripeControl } from '@tilldrop/local-stripe/control-client';
import { createStripeClient, stripeHostOf } from '../../server/stripe/client.ts';

const ROOT = new URL('../../', import.meta.url);

export interface ExternalStripe {
  url: string;
  secretKey: string;
  /** The signing secret of the endpoint it delivers to (set by `webhookUrl`). */
  webhookSecret: string;
  stripe: Stripe;
  control: LocalStripeControl;
  process: ChildProcess;
  close(): Promise<void>;
}

/**
 * Starts `npm run stripe:local` on a free port, delivering events to `webhookUrl` when given.
 * Resolves once it prints the line that says where it listens.
 */
export async function startExternalStripe(
  options: { webhookUrl?: string; env?: Record<string, string> } = {},
): Promise<ExternalStripe> {
  const dir = mkdtempSync(join(tmpdir(), 'tilldrop-stripe-'));
  const secretKey = `sk_test_${randomBytes(12).toString('hex')}`;
  const webhookSecret = `whsec_${randomBytes(16).toString('hex')}`;
  const child = spawn(process.execPath, ['node_modules/.bin/local-stripe'], {
    cwd: ROOT,
    env: {
      ...process.env,
      LOCAL_STRIPE_PORT: '0',
      LOCAL_STRIPE_DATABASE_PATH: join(dir, 'stripe.sqlite'),
      LOCAL_STRIPE_SECRET_KEY: secretKey,
      ...(options.webhookUrl
        ? {
            LOCAL_STRIPE_WEBHOOK_URL: options.webhookUrl,
            LOCAL_STRIPE_WEBHOOK_SECRET: webhookSecret,
          }
        : {}),
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await listeningUrl(child);
  // Later lines (failed deliveries) are read and dropped, so a full pipe never stalls the process.
  child.stdout!.resume();
  const stripe = createStripeClient({ secretKey, local: stripeHostOf(url) });
  return {
    url,
    secretKey,
    webhookSecret,
    stripe,
    control: new LocalStripeControl(url),
    process: child,
    async close() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await once(child, 'exit');
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function listeningUrl(child: ChildProcess): Promise<string> {
  const lines = createInterface({ input: child.stdout! });
  const exited = once(child, 'exit').then(([code]) => {
    throw new Error(`npm run stripe:local exited with ${code} before listening`);
  });
  const listening = (async () => {
    for await (const line of lines) {
      const match = /listening on (http:\/\/\S+)/.exec(line);
      if (match) return match[1]!;
    }
    throw new Error('npm run stripe:local closed its output before listening');
  })();
  return Promise.race([listening, exited]);
}

/** A port nothing listens on right now, for a server whose URL must be known before it starts. */
export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
