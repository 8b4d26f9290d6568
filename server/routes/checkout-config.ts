// GET /api/checkout-config: the publishable key (and, locally, the Stripe.js stand-in) that the
// widget opens the embedded checkout with.
import Router from '@koa/router';
import { checkoutConfigApi, type CheckoutConfig } from '../../shared/index.ts';
import type { Mount } from '../http/mount.ts';

export function checkoutConfigRoutes(deps: { mount: Mount; config: CheckoutConfig }): Router {
  const router = new Router();
  deps.mount(router, checkoutConfigApi.getCheckoutConfig, (_input, ctx) => {
    // The same for every buyer, and fixed while the server runs.
    ctx.set('Cache-Control', 'public, max-age=300');
    return deps.config;
  });
  return router;
}
