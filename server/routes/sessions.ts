// Seed 002: POST /api/create-checkout-session, for weekly and one-time purchases.
import Router from '@koa/router';
import { sessionsApi } from '../../shared/index.ts';
import { parse } from '../http/validate.ts';
import { idempotencyKeyOf } from '../http/idempotency-key.ts';
import type { CheckoutService } from '../services/checkout.ts';
import type { PriceBook } from '../services/catalog.ts';
import { MESSAGES } from '../services/checkout.ts';
import { AppError, badRequest } from '../errors.ts';

export function sessionRoutes(deps: { checkout: CheckoutService; prices: PriceBook }): Router {
  const router = new Router();

  router.post(sessionsApi.createCheckoutSession.path, async (ctx) => {
    const { userId, planId } = parse(sessionsApi.createCheckoutSession.body, ctx.request.body);
    const entry = deps.prices.entry(planId);
    // Seed 002 documents no 404: a plan it cannot sell is a bad request there.
    if (!entry) throw badRequest(MESSAGES.unavailable, 'plan_unavailable');
    const session = await deps.checkout
      .create({ userId, entry, idempotencyKey: idempotencyKeyOf(ctx) })
      .catch((error: unknown) => {
        if (error instanceof AppError && error.code === 'plan_unavailable') {
          throw badRequest(error.message, error.code);
        }
        throw error;
      });
    ctx.body = { sessionId: session.id };
  });

  return router;
}
