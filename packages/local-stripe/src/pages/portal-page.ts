// Routes of the hosted billing portal (billing.stripe.com/p/session/…): show the customer's plans
// and invoices, cancel at period end and resume, then come back to the page; a session made with
// `flow_data` shows only its flow: a plan change to confirm.
import type { Context } from 'koa';
import Router from '@koa/router';
import type { RouterContext } from '@koa/router';
import type { PortalFlow, PortalPageView } from './flows.ts';
import { refuseCrossSitePost } from './cross-site.ts';
import { sendPage } from './layout.ts';
import { notFoundPage } from './message-page.ts';
import { portalPage, portalPath } from './portal-view.ts';
import { formBody, formField } from './form-body.ts';
import { choosePlanPage, confirmUpdatePage, flowMessagePage } from './portal-update-view.ts';

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

/** Sends the session's flow page, if it has one still to do; false otherwise. */
function sendFlowPage(
  ctx: Context,
  flow: PortalFlow,
  id: string,
  price: string | undefined,
  error?: string,
): boolean {
  const page = flow.updates?.updatePage(id, price);
  if (!page) return false;
  const status = error ? 400 : 200;
  if ('message' in page) sendPage(ctx, 400, flowMessagePage({ returnUrl: null }, page.message));
  else if (page.kind === 'choose') sendPage(ctx, status, choosePlanPage(page, error));
  else sendPage(ctx, status, confirmUpdatePage(page, error));
  return true;
}

export function createPortalPageRouter(flow: PortalFlow): Router {
  const router = new Router();

  router.get('/p/session/:id', (ctx) => {
    const price = typeof ctx.query.price === 'string' ? ctx.query.price : undefined;
    if (sendFlowPage(ctx, flow, ctx.params.id, price)) return;
    const view = flow.view(ctx.params.id);
    if (view) sendPage(ctx, 200, portalPage(view));
    else sendPage(ctx, 404, notFoundPage('billing portal session'));
  });

  router.post('/p/session/:id/flow/confirm', formBody, (ctx) => {
    if (refuseCrossSitePost(ctx)) return;
    const id = ctx.params.id;
    const price = formField(ctx, 'price') || undefined;
    const result = flow.updates?.confirmUpdate(id, price);
    if (!result) {
      sendPage(ctx, 404, notFoundPage('billing portal session'));
    } else if ('message' in result) {
      if (!sendFlowPage(ctx, flow, id, price, result.message)) {
        sendPage(ctx, 400, flowMessagePage({ returnUrl: null }, result.message));
      }
    } else {
      ctx.status = 303;
      ctx.redirect(result.redirectUrl);
    }
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
