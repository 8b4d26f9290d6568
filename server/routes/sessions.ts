// Seed 002: POST /api/create-checkout-session, for weekly and one-time purchases.
import Router from '@koa/router';
import { CreateSessionBody } from '../../shared/index.ts';
import { parse } from '../http/validate.ts';
import { idempotencyKeyOf } from '../http/idempotency-key.ts';
import type { CheckoutService } from '../services/checkout.ts';
import type { PriceBook } from '../services/catalog.ts';
import { MESSAGES } from '../services/checkout.ts';
import { notFound } from '../errors.ts';

export function sessionRoutes(deps: { checkout: CheckoutService; prices: PriceBook }): Router {
  const router = new Router();

  router.post('/api/create-checkout-session', async (ctx) => {
    const { userId, planId } = parse(CreateSessionBody, ctx.request.body);
    const entry = deps.prices.entry(planId);
    if (!entry) throw notFound(MESSAGES.unavailable, 'plan_unavailable');
    const session = await deps.checkout.create({
      userId,
      entry,
      idempotencyKey: idempotencyKeyOf(ctx),
    });
    ctx.body = { sessionId: session.id };
  });

  return router;
}
