// Seed 000: POST /payment/checkout and GET /payment/checkout/{id}.
import Router from '@koa/router';
import {
  genericApi,
  GenericMessages,
  isoFromUnix,
  type CheckoutResponse,
  type CheckoutStateResponse,
  type EmbeddedCheckoutResponse,
} from '../../shared/index.ts';
import { AppError } from '../errors.ts';
import { idempotencyKeyOf } from '../http/idempotency-key.ts';
import type { Mount } from '../http/mount.ts';
import { verifiedBuyer } from '../services/buyers.ts';
import type { CheckoutService } from '../services/checkout.ts';
import type { PriceBook } from '../services/catalog.ts';
import type { CheckoutStatus } from '../services/checkout-status.ts';

export function genericRoutes(deps: {
  checkout: CheckoutService;
  status: CheckoutStatus;
  prices: PriceBook;
  mount: Mount;
}): Router {
  const router = new Router();

  deps.mount(router, genericApi.createCheckoutSession, async ({ body: params, userId }, ctx) => {
    const entry = deps.prices.entry(params.planId);
    if (!entry) throw new AppError('plan_unavailable');
    const session = await deps.checkout.create({
      buyer: verifiedBuyer(userId),
      entry,
      promotionCode: params.promotionCode,
      successUrl: params.successUrl,
      cancelUrl: params.cancelUrl,
      idempotencyKey: idempotencyKeyOf(ctx),
      uiMode: params.uiMode,
    });
    const created = { checkoutId: session.id, expiresAt: isoFromUnix(session.expires_at) };
    const data: (CheckoutResponse | EmbeddedCheckoutResponse)['data'] =
      session.ui_mode === 'embedded'
        ? { ...created, checkoutUrl: null, clientSecret: session.client_secret! }
        : { ...created, checkoutUrl: session.url! };
    ctx.body = { success: true, data, message: GenericMessages.created };
  });

  deps.mount(router, genericApi.getCheckoutSession, async ({ params, userId, spendBudget }) => {
    const state = await deps.status.forOwner(userId, params.id!, spendBudget);
    if (!state) throw new AppError('session_not_found');
    return {
      success: true,
      data: state,
      message: GenericMessages.retrieved,
    } satisfies CheckoutStateResponse;
  });

  return router;
}
