// Seed 004: POST /api/subscription/create-checkout, BASIC or PRO, monthly or annual; and what
// switching to another of them would cost.
import Router from '@koa/router';
import {
  findCatalogEntry,
  subscriptionApi,
  SubscriptionMessages,
  type ChangePreview,
  type EmbeddedSubscriptionCheckoutCreated,
  type SubscriptionCheckoutCreated,
} from '../../shared/index.ts';
import { AppError } from '../errors.ts';
import type { Mount } from '../http/mount.ts';
import { idempotencyKeyOf } from '../http/idempotency-key.ts';
import { ownerIdOf, verifiedBuyer } from '../services/buyers.ts';
import type { CheckoutService } from '../services/checkout.ts';
import type { PriceBook } from '../services/catalog.ts';
import type { PlanChanges } from '../services/plan-changes.ts';

export function subscriptionRoutes(deps: {
  checkout: CheckoutService;
  prices: PriceBook;
  planChanges: PlanChanges;
  mount: Mount;
}): Router {
  const router = new Router();

  deps.mount(router, subscriptionApi.createCheckout, async ({ body, userId }, ctx) => {
    const entry = findCatalogEntry(deps.prices.catalog, body.plan, body.billing);
    if (!entry) throw new AppError('plan_unavailable');
    const session = await deps.checkout.create({
      buyer: verifiedBuyer(userId),
      entry,
      promotionCode: body.promotionCode,
      idempotencyKey: idempotencyKeyOf(ctx),
      uiMode: body.uiMode,
    });
    ctx.body = {
      sessionId: session.id,
      ...(session.ui_mode === 'embedded'
        ? { clientSecret: session.client_secret! }
        : { url: session.url! }),
      message: SubscriptionMessages.created,
    } satisfies SubscriptionCheckoutCreated | EmbeddedSubscriptionCheckoutCreated;
  });

  deps.mount(router, subscriptionApi.changePreview, async ({ query, userId }, ctx) => {
    const entry = findCatalogEntry(deps.prices.catalog, query.plan, query.billing);
    if (!entry) throw new AppError('plan_unavailable');
    const owner = ownerIdOf(verifiedBuyer(userId));
    ctx.body = (await deps.planChanges.preview(owner, entry)) satisfies ChangePreview;
  });

  return router;
}
