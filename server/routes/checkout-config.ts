// GET /api/checkout-config: the publishable key (and, locally, the Stripe.js stand-in) that the
// widget opens the embedded checkout with.
import Router from '@koa/router';
import { checkoutConfigApi, type CheckoutConfig } from '../../shared/index.ts';
import type { Mount } from '../http/mount.ts';

export function checkoutConfigRoutes(deps: { mount: Mount; config: CheckoutConfig }): Router {
  const router = new Router();
  // The same for every buyer, and fixed while the server runs: serialised once.
  const body = Buffer.from(JSON.stringify(deps.config));
  deps.mount(router, checkoutConfigApi.getCheckoutConfig, (_input, ctx) => {
    ctx.set('Cache-Control', 'public, max-age=300');
    ctx.set('Content-Type', 'application/json; charset=utf-8');
    ctx.body = body;
  });
  return router;
}
