import type { Router } from '@koa/router';
import { existsSync } from 'node:fs';
import type { Core } from './core.ts';
import { createCheckoutFlow } from './flows/checkout-flow.ts';
import { createEmbeddedCheckoutFlow } from './flows/embedded-checkout-flow.ts';
import { createPortalFlow } from './flows/portal-flow.ts';
import type { EmbeddedCheckoutFlow } from './pages/embedded-flow.ts';
import type { CheckoutFlow, PortalFlow } from './pages/flows.ts';

interface CheckoutPageModule {
  createCheckoutPageRouter(flow: CheckoutFlow): Router;
}

interface EmbeddedCheckoutPageModule {
  createEmbeddedCheckoutRouter(flow: EmbeddedCheckoutFlow): Router;
}

interface PortalPageModule {
  createPortalPageRouter(flow: PortalFlow): Router;
}

/** Where Stripe.js's stand-in is served: the path `loadStripe` injects from js.stripe.com. */
export const STRIPE_JS_PATH = '/endive/stripe.js';

/**
 * The hosted pages are built on their own; each is mounted when its module is present, so the API
 * runs without them.
 */
export async function loadPageRouters(
  core: Core,
  keys: { publishableKey: string },
): Promise<Router[]> {
  const routers: Router[] = [];
  const checkout = await optionalModule<CheckoutPageModule>('./pages/checkout-page.ts');
  if (checkout) routers.push(checkout.createCheckoutPageRouter(createCheckoutFlow(core)));
  const embedded = await optionalModule<EmbeddedCheckoutPageModule>(
    './pages/embedded-checkout-page.ts',
  );
  if (embedded) {
    const flow = createEmbeddedCheckoutFlow(core, keys.publishableKey);
    routers.push(embedded.createEmbeddedCheckoutRouter(flow));
  }
  const portal = await optionalModule<PortalPageModule>('./pages/portal-page.ts');
  if (portal) routers.push(portal.createPortalPageRouter(createPortalFlow(core)));
  return routers;
}

async function optionalModule<T>(specifier: string): Promise<T | null> {
  const url = new URL(specifier, import.meta.url);
  if (!existsSync(url)) return null;
  return (await import(url.href)) as T;
}
