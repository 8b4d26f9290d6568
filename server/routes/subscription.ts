// Seed 004: POST /api/subscription/create-checkout, BASIC or PRO, monthly or annual.
import Router from '@koa/router';
import type { Middleware } from 'koa';
import {
  findCatalogEntry,
  subscriptionApi,
  SubscriptionMessages,
  type SubscriptionCheckoutCreated,
} from '../../shared/index.ts';
import { AppError } from '../errors.ts';
import { parse } from '../http/validate.ts';
import { idempotencyKeyOf } from '../http/idempotency-key.ts';
import { verifiedBuyer } from '../services/buyers.ts';
import type { CheckoutService } from '../services/checkout.ts';
import type { PriceBook } from '../services/catalog.ts';

export function subscriptionRoutes(deps: {
  checkout: CheckoutService;
  prices: PriceBook;
  requireUser: Middleware;
}): Router {
  const router = new Router();

  router.post(subscriptionApi.createCheckout.path, deps.requireUser, async (ctx) => {
    const body = parse(subscriptionApi.createCheckout.body, ctx.request.body);
    const entry = findCatalogEntry(deps.prices.catalog, body.plan, body.billing);
    if (!entry) throw new AppError('plan_unavailable');
    const session = await deps.checkout.create({
      buyer: verifiedBuyer(ctx.state.userId),
      entry,
      promotionCode: body.promotionCode,
      idempotencyKey: idempotencyKeyOf(ctx),
    });
    ctx.body = {
      sessionId: session.id,
      url: session.url!,
      message: SubscriptionMessages.created,
    } satisfies SubscriptionCheckoutCreated;
  });

  return router;
}
