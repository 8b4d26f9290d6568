// Seed 000: POST /payment/checkout and GET /payment/checkout/{id}.
import Router from '@koa/router';
import type { Middleware } from 'koa';
import {
  genericApi,
  GenericMessages,
  isoFromUnix,
  type CheckoutResponse,
  type CheckoutStateResponse,
} from '../../shared/index.ts';
import { AppError } from '../errors.ts';
import { parse } from '../http/validate.ts';
import { idempotencyKeyOf } from '../http/idempotency-key.ts';
import type { RateLimiter } from '../http/rate-limit.ts';
import { verifiedBuyer } from '../services/buyers.ts';
import type { CheckoutService } from '../services/checkout.ts';
import type { PriceBook } from '../services/catalog.ts';
import type { CheckoutStatus } from '../services/checkout-status.ts';

export function genericRoutes(deps: {
  checkout: CheckoutService;
  status: CheckoutStatus;
  prices: PriceBook;
  limiter: RateLimiter;
  requireUser: Middleware;
}): Router {
  const router = new Router();

  router.post(genericApi.createCheckoutSession.path, deps.requireUser, async (ctx) => {
    const params = parse(genericApi.createCheckoutSession.body, ctx.request.body);
    const entry = deps.prices.entry(params.planId);
    if (!entry) throw new AppError('plan_unavailable');
    const session = await deps.checkout.create({
      buyer: verifiedBuyer(ctx.state.userId),
      entry,
      promotionCode: params.promotionCode,
      successUrl: params.successUrl,
      cancelUrl: params.cancelUrl,
      idempotencyKey: idempotencyKeyOf(ctx),
    });
    ctx.body = {
      success: true,
      data: {
        checkoutUrl: session.url!,
        checkoutId: session.id,
        expiresAt: isoFromUnix(session.expires_at),
      },
      message: GenericMessages.created,
    } satisfies CheckoutResponse;
  });

  router.get(genericApi.getCheckoutSession.path, deps.requireUser, async (ctx) => {
    const userId: string = ctx.state.userId;
    // Only an open session is asked of Stripe, so only polling one spends the buyer's budget.
    const state = await deps.status.forOwner(userId, ctx.params.id!, () =>
      deps.limiter.takeForBuyer(ctx, 'checkout-status', userId),
    );
    if (!state) throw new AppError('session_not_found');
    ctx.body = {
      success: true,
      data: state,
      message: GenericMessages.retrieved,
    } satisfies CheckoutStateResponse;
  });

  return router;
}
