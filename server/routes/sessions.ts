// Seed 002: POST /api/create-checkout-session, for weekly and one-time purchases.
import Router from '@koa/router';
import type { Context } from 'koa';
import { sessionsApi, type SessionCreated } from '../../shared/index.ts';
import { parse } from '../http/validate.ts';
import { idempotencyKeyOf } from '../http/idempotency-key.ts';
import { tokenFrom, type AccessTokens } from '../http/auth.ts';
import type { CheckoutService } from '../services/checkout.ts';
import type { PriceBook } from '../services/catalog.ts';
import { unverifiedBuyer, verifiedBuyer, type Buyer } from '../services/buyers.ts';
import { AppError } from '../errors.ts';

interface SessionRouteDeps {
  checkout: CheckoutService;
  prices: PriceBook;
  tokens: AccessTokens;
  /** Whether the request carries the site's server key. */
  fromServer: (ctx: Context) => boolean;
}

export function sessionRoutes(deps: SessionRouteDeps): Router {
  const router = new Router();

  router.post(sessionsApi.createCheckoutSession.path, async (ctx) => {
    const { userId, planId } = parse(sessionsApi.createCheckoutSession.body, ctx.request.body);
    const entry = deps.prices.entry(planId);
    if (!entry) throw new AppError('plan_unavailable');
    const buyer = await buyerOf(ctx, userId, deps);
    const session = await deps.checkout.create({
      buyer,
      entry,
      idempotencyKey: idempotencyKeyOf(ctx),
    });
    ctx.body = { sessionId: session.id, url: session.url! } satisfies SessionCreated;
  });

  return router;
}

/**
 * The seed documents this route without credentials, so the body's `userId` is anyone's word. It
 * is that user only with the site's server key, or with the user's own access token; a token for
 * someone else is a 403 (it is valid, so signing in again would not help). An invalid or expired
 * token is a 401 rather than a purchase the signed-in buyer would not get.
 */
async function buyerOf(ctx: Context, userId: string, deps: SessionRouteDeps): Promise<Buyer> {
  if (deps.fromServer(ctx)) return verifiedBuyer(userId);
  const token = tokenFrom(ctx);
  if (!token) return unverifiedBuyer(userId);
  if ((await deps.tokens.verify(token)) !== userId) throw new AppError('token_for_another_user');
  return verifiedBuyer(userId);
}
