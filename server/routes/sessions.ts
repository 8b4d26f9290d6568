// Seed 002: POST /api/create-checkout-session, for weekly and one-time purchases.
import Router from '@koa/router';
import { sessionsApi, type SessionCreated } from '../../shared/index.ts';
import { idempotencyKeyOf } from '../http/idempotency-key.ts';
import type { Mount } from '../http/mount.ts';
import type { CheckoutService } from '../services/checkout.ts';
import type { PriceBook } from '../services/catalog.ts';
import { AppError } from '../errors.ts';

export function sessionRoutes(deps: {
  mount: Mount;
  checkout: CheckoutService;
  prices: PriceBook;
}): Router {
  const router = new Router();

  deps.mount(router, sessionsApi.createCheckoutSession, async ({ body, buyer }, ctx) => {
    const entry = deps.prices.entry(body.planId);
    if (!entry) throw new AppError('plan_unavailable');
    const session = await deps.checkout.create({
      buyer,
      entry,
      idempotencyKey: idempotencyKeyOf(ctx),
    });
    return { sessionId: session.id, url: session.url! } satisfies SessionCreated;
  });

  return router;
}
