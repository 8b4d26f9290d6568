import type Stripe from 'stripe';
import type { Catalog } from '../../shared/index.ts';
import type { Storage } from '../storage/index.ts';
import { PriceBook } from './catalog.ts';
import { CheckoutService } from './checkout.ts';
import { CheckoutStatus } from './checkout-status.ts';
import { Fulfilment } from './fulfilment.ts';
import { WebhookProcessor } from './webhooks.ts';

export interface ServiceConfig {
  catalog: Catalog;
  /** The environment the catalog's price-id variables are read from. */
  priceIds: Record<string, string | undefined>;
  appUrl: string;
  allowedOrigins: readonly string[];
  webhookSecrets: readonly string[];
}

/** Wires the services once; the HTTP app and the command-line tools share them. */
export function createServices(stripe: Stripe, storage: Storage, config: ServiceConfig) {
  const prices = new PriceBook(stripe, config.catalog, config.priceIds);
  const fulfilment = new Fulfilment({ stripe, storage, prices });
  return {
    prices,
    fulfilment,
    checkout: new CheckoutService({
      stripe,
      storage,
      prices,
      fulfilment,
      appUrl: config.appUrl,
      allowedOrigins: config.allowedOrigins,
    }),
    status: new CheckoutStatus({ stripe, storage, prices, fulfilment }),
    webhooks: new WebhookProcessor({ stripe, storage, fulfilment, secrets: config.webhookSecrets }),
  };
}

export type Services = ReturnType<typeof createServices>;
