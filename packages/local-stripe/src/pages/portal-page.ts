// Routes of the hosted billing portal (billing.stripe.com/p/session/…): show the customer's plans
// and invoices, cancel at period end and resume, then come back to the page.
import Router from '@koa/router';
import type { RouterContext } from '@koa/router';
import type { PortalFlow, PortalPageView } from './flows.ts';
import { refuseCrossSitePost } from './cross-site.ts';
import { sendPage } from './layout.ts';
import { notFoundPage } from './message-page.ts';
import { portalPage, portalPath } from './portal-view.ts';

type Change = (
  portalSessionId: string,
  subscriptionId: string,
) => PortalPageView | { message: string };

function changeHandler(flow: PortalFlow, change: Change) {
  return (ctx: RouterContext) => {
    const { id = '', subId = '' } = ctx.params;
    if (refuseCrossSitePost(ctx)) return;
    const view = flow.view(id);
    if (!view) {
      sendPage(ctx, 404, notFoundPage('billing portal session'));
      return;
    }
    const result = change(id, subId);
    if ('message' in result) {
      sendPage(ctx, 400, portalPage(flow.view(id) ?? view, result.message));
      return;
    }
    // Post/redirect/get, so a reload does not send the change again.
    ctx.status = 303;
    ctx.redirect(portalPath(id));
  };
}

export function createPortalPageRouter(flow: PortalFlow): Router {
  const router = new Router();

  router.get('/p/session/:id', (ctx) => {
    const view = flow.view(ctx.params.id);
    if (view) sendPage(ctx, 200, portalPage(view));
    else sendPage(ctx, 404, notFoundPage('billing portal session'));
  });

  router.post(
    '/p/session/:id/subscriptions/:subId/cancel',
    changeHandler(flow, (id, subId) => flow.cancelAtPeriodEnd(id, subId)),
  );
  router.post(
    '/p/session/:id/subscriptions/:subId/resume',
    changeHandler(flow, (id, subId) => flow.resume(id, subId)),
  );

  return router;
}
