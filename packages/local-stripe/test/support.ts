import Stripe from 'stripe';
import { LocalStripeControl } from '../src/control-client.ts';
import type { Core } from '../src/core.ts';
import type { LocalStripe, LocalStripeOptions } from '../src/index.ts';
import { launchLocalStripe } from '../src/server.ts';
import { startWebhookReceiver, type WebhookReceiver } from './webhook-receiver.ts';

export interface Harness {
  local: LocalStripe;
  /** The running core, for tests of the flows the hosted pages call. */
  core: Core;
  stripe: Stripe;
  control: LocalStripeControl;
  close(): Promise<void>;
}

/** A local Stripe in memory on a free port, and the real SDK pointed at it. */
export async function startHarness(options: LocalStripeOptions = {}): Promise<Harness> {
  const { stripe: local, core } = await launchLocalStripe({
    databasePath: ':memory:',
    port: 0,
    log: () => {},
    webhookBackoffMs: [50, 100, 200],
    ...options,
  });
  const stripe = new Stripe(local.secretKey, { ...local.clientOptions, maxNetworkRetries: 0 });
  return {
    local,
    core,
    stripe,
    control: new LocalStripeControl(local.url),
    close: () => local.close(),
  };
}

/** A harness whose webhooks go to a receiver in the test; the harness's `close` stops both. */
export async function startHarnessWithReceiver(): Promise<{ h: Harness; hook: WebhookReceiver }> {
  const hook = await startWebhookReceiver();
  const h = await startHarness({ webhookEndpoints: [{ url: hook.url, secret: hook.secret }] });
  const close = async () => {
    await h.close();
    await hook.close();
  };
  return { h: { ...h, close }, hook };
}

export async function priceFor(stripe: Stripe, lookupKey: string): Promise<Stripe.Price> {
  const prices = await stripe.prices.list({ lookup_keys: [lookupKey] });
  const price = prices.data[0];
  if (!price) throw new Error(`no seeded price ${lookupKey}`);
  return price;
}

export async function promotionCodeFor(
  stripe: Stripe,
  code: string,
): Promise<Stripe.PromotionCode> {
  const codes = await stripe.promotionCodes.list({ code });
  const promo = codes.data[0];
  if (!promo) throw new Error(`no seeded promotion code ${code}`);
  return promo;
}
