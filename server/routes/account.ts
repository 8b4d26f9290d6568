// The buyer's subscription, billing portal and payment history; entitlements for the site's backend.
import Router from '@koa/router';
import { accountApi } from '../../shared/index.ts';
import type { Mount } from '../http/mount.ts';
import type { AccountService } from '../services/account.ts';

export function accountRoutes({
  mount,
  account,
}: {
  mount: Mount;
  account: AccountService;
}): Router {
  const router = new Router();

  mount(router, accountApi.getSubscription, ({ userId }) => account.summary(userId));

  mount(router, accountApi.createPortalSession, async ({ userId }) => ({
    url: await account.portalUrl(userId),
  }));

  mount(router, accountApi.listPayments, ({ userId, query }) => account.payments(userId, query));

  mount(router, accountApi.getEntitlement, async ({ params: { userId } }) => ({
    userId: userId!,
    entitlement: await account.entitlement(userId!),
  }));

  return router;
}
