import pino, { type Logger } from 'pino';
import type Stripe from 'stripe';
import type { Catalog } from '../../shared/index.ts';
import type { Storage } from '../storage/index.ts';
import { AccountService } from './account.ts';
import { PriceBook } from './catalog.ts';
import { CheckoutService } from './checkout.ts';
import { CheckoutStatus } from './checkout-status.ts';
import { Fulfilment } from './fulfilment.ts';
import { PlanChanges } from './plan-changes.ts';
import { WebhookInbox } from './webhook-inbox.ts';
import { WebhookProcessor } from './webhooks.ts';

export interface ServiceConfig {
  catalog: Catalog;
  /** The environment the catalog's price-id variables are read from. */
  priceIds: Record<string, string | undefined>;
  appUrl: string;
  allowedOrigins: readonly string[];
  webhookSecrets: readonly string[];
  /** Success and cancel URLs must be https: on in production. */
  httpsReturnUrls?: boolean;
  /** STRIPE_PORTAL_CONFIGURATION_ID: what billing portal sessions open with (`bpc_…`). */
  portalConfiguration?: string;
}

/**
 * Wires the services once; the HTTP app and the command-line tools share them. A tool that passes
 * no logger still shows the warnings, on stderr.
 */
export function createServices(
  stripe: Stripe,
  storage: Storage,
  config: ServiceConfig,
  logger: Logger = pino({ level: 'warn' }, pino.destination(2)),
) {
  const prices = new PriceBook(stripe, config.catalog, config.priceIds);
  const fulfilment = new Fulfilment({ stripe, storage, prices, logger });
  const planChanges = new PlanChanges({
    stripe,
    storage,
    prices,
    appUrl: config.appUrl,
    portalConfiguration: config.portalConfiguration,
  });
  const webhooks = new WebhookProcessor({
    stripe,
    storage,
    fulfilment,
    secrets: config.webhookSecrets,
  });
  return {
    account: new AccountService({
      stripe,
      storage,
      appUrl: config.appUrl,
      portalConfiguration: config.portalConfiguration,
    }),
    prices,
    fulfilment,
    planChanges,
    checkout: new CheckoutService({
      stripe,
      storage,
      prices,
      fulfilment,
      planChanges,
      appUrl: config.appUrl,
      allowedOrigins: config.allowedOrigins,
      httpsReturnUrls: config.httpsReturnUrls ?? false,
    }),
    status: new CheckoutStatus({ stripe, storage, prices, fulfilment }),
    webhooks,
    inbox: new WebhookInbox({ processor: webhooks, storage, logger }),
  };
}

export type Services = ReturnType<typeof createServices>;
