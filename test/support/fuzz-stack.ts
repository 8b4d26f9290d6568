// A whole Tilldrop for the hostile-input tests: `startStack`'s, with the demo routes mounted (they
// are public whenever the bundled local Stripe runs), the production logger at `trace` level
// captured in memory, and a way to tell whether a request wrote anything to the SQLite file.
import Database from 'better-sqlite3';
import { demoRoutes } from '../../server/routes/demo.ts';
import { createLogger } from '../../server/runtime.ts';
import { startStack, TEST_AUTH_SECRET, type Stack } from './stack.ts';

export const TEST_SERVER_API_KEY = 'test-server-api-key-0123456789abcdef';

export interface HostileStack extends Stack {
  /** Every log line the server (and its local Stripe) wrote, in order. */
  logs: string[];
  /** A number that changes whenever the server commits a write, and only then. */
  writes(): number;
}

export async function startHostileStack(
  options: { env?: Record<string, string> } = {},
): Promise<HostileStack> {
  const logs: string[] = [];
  const stack = await startStack({
    env: { SERVER_API_KEY: TEST_SERVER_API_KEY, ...options.env },
    logger: createLogger('trace', { write: (line: string) => void logs.push(line) }),
    extraRoutes: (context) => demoRoutes(context),
  });
  // SQLite's data_version, read on a second connection, moves exactly when another connection
  // commits: a write rolled back with its failed transaction does not count, as it should not.
  const observer = new Database(stack.databasePath, { readonly: true });
  return {
    ...stack,
    logs,
    writes: () => observer.pragma('data_version', { simple: true }) as number,
    async close() {
      observer.close();
      await stack.close();
    },
  };
}

/** What must never appear in a log line: the stack's own secrets and anything shaped like one. */
export function secretsIn(lines: readonly string[], stack: Stack): string[] {
  const exact = [
    TEST_AUTH_SECRET,
    TEST_SERVER_API_KEY,
    stack.running.webhookSecret,
    stack.running.localStripe?.secretKey ?? stack.scriptEnv.STRIPE_SECRET_KEY!,
  ];
  const shapes = [
    /eyJ[\w-]{8,}\.[\w-]{8,}/, // a JWT (header and payload are base64url JSON)
    /whsec_\w+/,
    /\b[sr]k_(test|live)_\w+/,
    /\bBearer\s+\S+/i,
    /access_token=/,
    /\bv1=[0-9a-f]{64}/, // a Stripe-Signature
  ];
  return lines.filter(
    (line) => exact.some((secret) => line.includes(secret)) || shapes.some((s) => s.test(line)),
  );
}
