import Koa from 'koa';
import Router from '@koa/router';
import type { Logger } from 'pino';
import type Stripe from 'stripe';
import { AccessTokens, type AccessTokenOptions } from './http/auth.ts';
import { jsonBody } from './http/body.ts';
import { allowedOriginCheck, corsFor } from './http/cors.ts';
import { refuseCrossSiteCookies } from './http/cross-site.ts';
import { errorHandler } from './http/error-handler.ts';
import { mounter } from './http/mount.ts';
import { RateLimiter, type RateLimits } from './http/rate-limit.ts';
import { requestLog } from './http/request-log.ts';
import { routeChain } from './http/route-chain.ts';
import { securityHeaders } from './http/security-headers.ts';
import type { CheckoutConfig } from '../shared/index.ts';
import { accountRoutes } from './routes/account.ts';
import { checkoutConfigRoutes } from './routes/checkout-config.ts';
import { genericRoutes } from './routes/generic.ts';
import { planRoutes } from './routes/plans.ts';
import { sessionRoutes } from './routes/sessions.ts';
import { subscriptionRoutes } from './routes/subscription.ts';
import { webhookRoutes } from './routes/webhooks.ts';
import { widgetAssetRoutes } from './routes/widget-assets.ts';
import { createServices, type ServiceConfig } from './services/index.ts';
import type { Storage } from './storage/index.ts';

export interface AppConfig extends ServiceConfig {
  authSecret: string;
  accessTokens?: AccessTokenOptions;
  serverApiKey: string | undefined;
  widgetDir: string;
  rateLimits: RateLimits;
  /** What the widget opens an embedded checkout with; without it, only the redirect is offered. */
  checkoutConfig?: CheckoutConfig;
  /** Extra routes mounted last, e.g. the demo pages. */
  extraRoutes?: Router[];
}

export interface AppDeps {
  config: AppConfig;
  stripe: Stripe;
  storage: Storage;
  logger: Logger;
}

/** The Koa application, and its work beside the requests: the webhook inbox, the limiter's sweep. */
export interface TilldropApp extends Koa {
  /** Stops that work, once the server takes no more requests; before the storage closes. */
  stop(): Promise<void>;
}

/**
 * Builds the Koa application, and starts applying the webhook inbox; it never listens, so tests
 * can mount `app.callback()` anywhere.
 */
export function createApp({ config, stripe, storage, logger }: AppDeps): TilldropApp {
  const { account, prices, checkout, planChanges, status, webhooks, inbox } = createServices(
    stripe,
    storage,
    config,
    logger,
  );
  const tokens = new AccessTokens(config.authSecret, config.accessTokens);
  const isAllowedOrigin = allowedOriginCheck([
    new URL(config.appUrl).origin,
    ...config.allowedOrigins,
  ]);
  const limiter = new RateLimiter(config.rateLimits);
  const mount = mounter({ tokens, serverKey: config.serverApiKey, limiter });

  const routers = [
    genericRoutes({ mount, checkout, status, prices }),
    sessionRoutes({ mount, checkout, prices }),
    subscriptionRoutes({ checkout, prices, planChanges, mount }),
    planRoutes({ mount, prices, stripe, storage, tokens, account }),
    checkoutConfigRoutes({ mount, config: config.checkoutConfig ?? { publishableKey: null } }),
    accountRoutes({ mount, account }),
    ...(config.extraRoutes ?? []),
  ];

  const app = new Koa({ proxy: false });
  app.on('error', (error: unknown, ctx?: Koa.Context) => {
    logger.error(
      { err: error, requestId: ctx?.state.requestId, path: ctx?.path },
      'request failed',
    );
  });

  // One router holding every API route: a request is matched once, not once per module.
  const api = new Router();
  for (const router of routers) api.use(router.routes());

  // The request log wraps everything, so it records the status the error handler settled on.
  app.use(requestLog(logger));
  app.use(errorHandler());
  app.use(
    // One step of the chain rather than a middleware of its own, so a request pays for one
    // dispatch less; it still runs first, before any answer or error.
    routeChain([
      securityHeaders(),
      // Scripts for any page, before the API's CORS rules.
      widgetAssetRoutes(config.widgetDir),
      corsFor(isAllowedOrigin),
      // Before the JSON body parser, because Stripe signs the exact bytes.
      webhookRoutes({ webhooks, inbox }),
      refuseCrossSiteCookies(isAllowedOrigin),
      jsonBody(),
      api,
    ]),
  );
  app.use(api.allowedMethods({ throw: true }));
  // A failure here leaves the entries for the next start; requests are still answered.
  const started = inbox
    .start()
    .catch((error: unknown) => logger.error({ err: error }, 'webhook inbox not started'));
  return Object.assign(app, {
    async stop() {
      limiter.close();
      await started;
      await inbox.close();
    },
  });
}
