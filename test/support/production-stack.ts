// Tilldrop configured for production against a Stripe in another process, as a merchant runs it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEnv } from '../../server/config.ts';
import { AccessTokens } from '../../server/http/auth.ts';
import { startServer, type RunningServer } from '../../server/runtime.ts';
import { freePort, startExternalStripe, type ExternalStripe } from './external-stripe.ts';
import { TEST_AUTH_SECRET, testLogger } from './stack.ts';

export const PRODUCTION_APP_URL = 'https://shop.example.com';

export interface ProductionStack {
  apiUrl: string;
  running: RunningServer;
  external: ExternalStripe;
  databasePath: string;
  tokenFor(userId: string, lifetimeSeconds?: number): Promise<string>;
  close(): Promise<void>;
}

/** The production variables for a server on `port` talking to `external`. */
export function productionEnv(
  external: ExternalStripe,
  port: number,
  databasePath: string,
): Record<string, string> {
  return {
    NODE_ENV: 'production',
    PORT: String(port),
    DATABASE_PATH: databasePath,
    AUTH_SECRET: TEST_AUTH_SECRET,
    APP_URL: PRODUCTION_APP_URL,
    STRIPE_SECRET_KEY: external.secretKey,
    STRIPE_WEBHOOK_SECRET: external.webhookSecret,
    // The key `npm run stripe:local` takes from Stripe.js unless told another.
    STRIPE_PUBLISHABLE_KEY: 'pk_test_local',
    STRIPE_API_URL: external.url,
    LOG_LEVEL: 'silent',
  };
}

export async function startProductionStack(
  options: { env?: Record<string, string> } = {},
): Promise<ProductionStack> {
  const port = await freePort();
  const external = await startExternalStripe({
    webhookUrl: `http://127.0.0.1:${port}/api/webhooks/stripe`,
  });
  const dir = mkdtempSync(join(tmpdir(), 'tilldrop-production-'));
  const databasePath = join(dir, 'tilldrop.sqlite');
  const env = parseEnv({ ...productionEnv(external, port, databasePath), ...options.env });
  const running = await startServer(env, { logger: testLogger(env.LOG_LEVEL) });
  const tokens = new AccessTokens(TEST_AUTH_SECRET);
  return {
    apiUrl: running.url,
    running,
    external,
    databasePath,
    tokenFor: (userId, lifetimeSeconds) => tokens.sign(userId, lifetimeSeconds),
    async close() {
      await running.close();
      await external.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
