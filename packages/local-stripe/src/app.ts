import { Router } from '@koa/router';
import Koa from 'koa';
import type { Core } from './core.ts';
import { controlGuard } from './control/guard.ts';
import { controlRoutes } from './control/routes.ts';
import { accountRoutes } from './routes/account.ts';
import { billingPortalRoutes } from './routes/billing-portal.ts';
import { catalogRoutes } from './routes/catalog.ts';
import { checkoutSessionRoutes } from './routes/checkout-sessions.ts';
import { couponRoutes } from './routes/coupons.ts';
import { customerRoutes } from './routes/customers.ts';
import { eventRoutes } from './routes/events.ts';
import { invoiceRoutes } from './routes/invoices.ts';
import { paymentRoutes } from './routes/payments.ts';
import { refundRoutes } from './routes/refunds.ts';
import { subscriptionScheduleRoutes } from './routes/subscription-schedules.ts';
import { subscriptionRoutes } from './routes/subscriptions.ts';
import { webhookEndpointRoutes } from './routes/webhook-endpoints.ts';
import { requireSecretKey } from './wire/auth.ts';
import { idempotency } from './wire/idempotency.ts';
import { stripeEnvelope, stripeParams } from './wire/middleware.ts';

export interface AppOptions {
  secretKey: string;
  /** Routers for the hosted pages, mounted beside the API when they exist. */
  pages: Router[];
  /** Origins besides its own allowed to call the control API. */
  controlOrigins: string[];
}

/** The local Stripe's HTTP surface: the `/v1` API, the `/_local` control API and hosted pages. */
export function createLocalStripeApp(core: Core, options: AppOptions): Koa {
  const app = new Koa();
  app.proxy = false;

  const api = new Router();
  accountRoutes(core, api);
  catalogRoutes(core, api);
  customerRoutes(core, api);
  couponRoutes(core, api);
  checkoutSessionRoutes(core, api);
  eventRoutes(core, api);
  subscriptionRoutes(core, api);
  subscriptionScheduleRoutes(core, api);
  invoiceRoutes(core, api);
  paymentRoutes(core, api);
  refundRoutes(core, api);
  billingPortalRoutes(core, api);
  webhookEndpointRoutes(core, api);

  const control = new Router({ prefix: '/_local' });
  control.use(controlGuard(() => [core.publicUrl, ...options.controlOrigins]));
  controlRoutes(core, control);

  const v1Chain = compose([
    stripeEnvelope(core.log),
    requireSecretKey(options.secretKey),
    core.faults.middleware(),
    stripeParams(),
    idempotency(core.db),
    api.routes() as Koa.Middleware,
  ]);

  app.use(async (ctx, next) => {
    if (ctx.path.startsWith('/v1/') || ctx.path === '/v1') return v1Chain(ctx, next);
    return next();
  });
  app.use(control.routes());
  app.use(control.allowedMethods());
  for (const page of options.pages) {
    app.use(page.routes());
    app.use(page.allowedMethods());
  }
  app.on('error', (error: Error) => core.log(`unhandled: ${error.message}`));
  return app;
}

function compose(middleware: Koa.Middleware[]): Koa.Middleware {
  return (ctx, next) => {
    const run = async (index: number): Promise<void> => {
      const current = middleware[index];
      if (!current) return next();
      await current(ctx, () => run(index + 1));
    };
    return run(0);
  };
}
