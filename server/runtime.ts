import { randomBytes } from 'node:crypto';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import pino, { type Logger } from 'pino';
import type Router from '@koa/router';
import { createApp } from './app.ts';
import type { AccessTokenOptions } from './http/auth.ts';
import { ConfigError, type Env } from './config.ts';
import type { LocalStripe, LocalStripeOptions } from '@tilldrop/local-stripe';
import { WEBHOOK_PATH } from './routes/webhooks.ts';
import { bindStripeAccount } from './services/stripe-account.ts';
import { createStripeClient, stripeHostOf } from './stripe/client.ts';
import { openStorage, type Storage } from './storage/index.ts';

export interface RunningServer {
  url: string;
  server: Server;
  storage: Storage;
  /** Present when no STRIPE_SECRET_KEY was given and the bundled local Stripe is in use. */
  localStripe?: LocalStripe;
  authSecret: string;
  webhookSecret: string;
  close(): Promise<void>;
}

export interface StartOptions {
  logger?: Logger;
  /** Routes mounted after the API's, e.g. the demo pages. */
  extraRoutes?: (context: {
    authSecret: string;
    accessTokens: AccessTokenOptions;
    appUrl: string;
    localStripe?: LocalStripe;
  }) => Router[];
}

const SECRET_HEADERS = ['authorization', 'cookie', 'set-cookie', 'stripe-signature'];
/** Where a request's, a response's or an HTTP client error's headers end up when logged. */
const HEADER_HOLDERS = [
  'headers',
  'req.headers',
  'res.headers',
  'request.headers',
  'response.headers',
  'err.headers',
  'err.config.headers',
  'err.request.headers',
  'err.response.headers',
  'err.raw.headers',
  '*.headers',
];
const REDACTED_PATHS = HEADER_HOLDERS.flatMap((holder) =>
  SECRET_HEADERS.flatMap((name) => [
    `${holder}["${name}"]`,
    `${holder}["${name.replace(/(^|-)\w/g, (letter) => letter.toUpperCase())}"]`,
  ]),
);

/**
 * The server's structured log: one JSON line per entry, to stdout unless a destination is given.
 * No log line is meant to carry headers; redaction is the safety net for one that does.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino({ level, redact: REDACTED_PATHS }, destination);
}

/**
 * Imported only when used, so a production start never loads the local Stripe. It is a dev
 * dependency written in TypeScript: the compiled server finds it missing (pruned) or unreadable.
 */
async function startLocalStripe(options: LocalStripeOptions): Promise<LocalStripe> {
  const localStripe = await import('@tilldrop/local-stripe').catch((error: unknown) => {
    throw new ConfigError(
      'The bundled local Stripe runs only from the source (npm start): it could not be loaded ' +
        `(${(error as Error).message.split('\n')[0]}).\n` +
        '  Set STRIPE_SECRET_KEY, and STRIPE_API_URL for a Stripe of your own such as npm run stripe:local.',
    );
  });
  return localStripe.startLocalStripe(options);
}

const secretsFrom = (value: string) =>
  value
    .split(',')
    .map((secret) => secret.trim())
    .filter(Boolean);

/**
 * Starts the API (and, without a Stripe key, the local Stripe beside it). The HTTP server listens
 * first, so the local Stripe can be told the real webhook URL even on a random port.
 */
export async function startServer(env: Env, options: StartOptions = {}): Promise<RunningServer> {
  const logger = options.logger ?? createLogger(env.LOG_LEVEL);
  // Source-mapped stack traces cost tens of microseconds per Error, and the Stripe SDK makes one
  // per call; production logs still name the file and function without them.
  if (env.NODE_ENV === 'production') process.setSourceMapsEnabled(false);
  const usingLocalStripe = !env.STRIPE_SECRET_KEY;
  // parseEnv already requires a key in production; this holds for an Env built by other means.
  if (usingLocalStripe && env.NODE_ENV === 'production') {
    throw new ConfigError('Invalid configuration:\n  STRIPE_SECRET_KEY: required in production');
  }
  if (!usingLocalStripe && !env.STRIPE_WEBHOOK_SECRET) {
    throw new ConfigError(
      'Invalid configuration:\n  STRIPE_WEBHOOK_SECRET: required with a real STRIPE_SECRET_KEY',
    );
  }
  const webhookSecret =
    env.STRIPE_WEBHOOK_SECRET ??
    `whsec_${randomBytes(24).toString('base64url').replace(/[-_]/g, '0')}`;
  const authSecret = env.AUTH_SECRET ?? randomBytes(32).toString('base64url');
  if (!env.AUTH_SECRET)
    logger.warn(
      'AUTH_SECRET is not set: using a random one, so access tokens end with this process',
    );

  // Listening comes first, so a request can arrive while the local Stripe starts: it hears
  // "starting" with a Retry-After instead of hanging until the app is attached.
  let handle: RequestListener = (_request, response) => {
    response.writeHead(503, { 'Content-Type': 'application/json', 'Retry-After': '1' });
    response.end(JSON.stringify({ error: 'Service Unavailable', message: 'Starting up' }));
  };
  const server = createServer((request, response) => handle(request, response));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(env.PORT, env.HOST, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const ownUrl = `http://${env.HOST === '0.0.0.0' ? 'localhost' : env.HOST}:${port}`;
  const appUrl = env.APP_URL ?? ownUrl;
  const accessTokens = {
    audience: env.ACCESS_TOKEN_AUDIENCE,
    maxAgeSeconds: env.ACCESS_TOKEN_MAX_AGE,
  };

  let localStripe: LocalStripe | undefined;
  try {
    localStripe = usingLocalStripe
      ? await startLocalStripe({
          port: env.LOCAL_STRIPE_PORT,
          databasePath: env.LOCAL_STRIPE_DATABASE_PATH,
          webhookEndpoints: [
            {
              url: `http://127.0.0.1:${port}${WEBHOOK_PATH}`,
              secret: secretsFrom(webhookSecret)[0]!,
            },
          ],
          log: (line) => logger.info({ component: 'local-stripe' }, line),
          // Pages of the API (the demo) may drive the control API; no other site may.
          controlOrigins: [new URL(appUrl).origin, ownUrl],
        })
      : undefined;
  } catch (error) {
    server.close();
    throw error;
  }
  const secretKey = env.STRIPE_SECRET_KEY ?? localStripe!.secretKey;
  const stripe = createStripeClient({
    secretKey,
    local:
      localStripe?.clientOptions ??
      (env.STRIPE_API_URL ? stripeHostOf(env.STRIPE_API_URL) : undefined),
  });
  const storage = await openStorage({ url: env.DATABASE_URL, path: env.DATABASE_PATH });
  // Before the app is attached, so no request sends another account's ids to Stripe.
  await bindStripeAccount({ stripe, storage, secretKey, logger });
  const app = createApp({
    stripe,
    storage,
    logger,
    config: {
      appUrl,
      allowedOrigins: env.ALLOWED_ORIGINS,
      authSecret,
      accessTokens,
      serverApiKey: env.SERVER_API_KEY,
      webhookSecrets: secretsFrom(webhookSecret),
      httpsReturnUrls: env.NODE_ENV === 'production',
      catalog: env.catalog,
      priceIds: env.priceIds,
      portalConfiguration: env.STRIPE_PORTAL_CONFIGURATION_ID,
      widgetDir: fileURLToPath(new URL('../dist/', import.meta.url)),
      // The local Stripe takes only its own key, and serves its own Stripe.js.
      checkoutConfig: localStripe
        ? { publishableKey: localStripe.publishableKey, stripeJsUrl: localStripe.stripeJsUrl }
        : { publishableKey: env.STRIPE_PUBLISHABLE_KEY ?? null },
      rateLimits: {
        perUser: env.RATE_LIMIT_PER_MINUTE,
        perAddress: env.RATE_LIMIT_PER_IP_PER_MINUTE ?? 10 * env.RATE_LIMIT_PER_MINUTE,
        trustedProxyHops: env.TRUST_PROXY_HOPS,
      },
      extraRoutes: options.extraRoutes?.({ authSecret, accessTokens, appUrl, localStripe }),
    },
  });
  handle = app.callback();

  return {
    url: ownUrl,
    server,
    storage,
    localStripe,
    authSecret,
    webhookSecret,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await app.stop();
      await localStripe?.close();
      await storage.close();
    },
  };
}
