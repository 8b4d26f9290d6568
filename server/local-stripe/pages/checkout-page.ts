// Routes of the hosted checkout page (checkout.stripe.com/c/pay/…): show it, take the card, apply
// promotion codes. Every form posts and redirects, so the page works without any script.
import Router from '@koa/router';
import type { Context } from 'koa';
import type { CheckoutFlow, CheckoutPageView, PayResult } from './flows.ts';
import { parseCardForm, type CardField, type TypedFields } from './card-form.ts';
import { checkoutPage, checkoutPath, EMPTY_FORM } from './checkout-view.ts';
import { formBody, formField } from './form-body.ts';
import { refuseCrossSitePost } from './cross-site.ts';
import { sendPage } from './layout.ts';
import { messagePage, notFoundPage } from './message-page.ts';

type PayFailure = Extract<PayResult, { ok: false }>;

const FIELD_OF_CODE: Record<PayFailure['code'], CardField> = {
  card_declined: 'card',
  incorrect_number: 'number',
  invalid_expiry: 'expiry',
  invalid_cvc: 'cvc',
  invalid_email: 'email',
  expired_session: 'card',
};

function closedSessionPage(view: CheckoutPageView) {
  return view.status === 'complete'
    ? messagePage({
        title: 'Already paid',
        heading: 'This checkout session is already paid',
        text: 'Your payment went through. There is nothing left to do here.',
        linkUrl: view.cancelUrl,
      })
    : messagePage({
        title: 'Session expired',
        heading: 'This checkout session has expired',
        text: 'Nothing was charged. Go back and start the checkout again.',
        linkUrl: view.cancelUrl,
      });
}

/**
 * Loads the session and answers for it when the page cannot be used: unknown ids get a 404,
 * paid or expired sessions their own page. Returns the view only when the session is open.
 */
function openSession(ctx: Context, flow: CheckoutFlow, id: string, closedStatus: number) {
  const view = flow.view(id);
  if (!view) {
    sendPage(ctx, 404, notFoundPage('checkout session'));
    return null;
  }
  if (view.status !== 'open') {
    sendPage(ctx, closedStatus, closedSessionPage(view));
    return null;
  }
  return view;
}

export function createCheckoutPageRouter(flow: CheckoutFlow): Router {
  const router = new Router();

  router.get('/c/pay/:id', (ctx) => {
    const view = openSession(ctx, flow, ctx.params.id, 200);
    if (view) sendPage(ctx, 200, checkoutPage(view, EMPTY_FORM));
  });

  router.post('/c/pay/:id', formBody, (ctx) => {
    if (refuseCrossSitePost(ctx)) return;
    const view = openSession(ctx, flow, ctx.params.id, 409);
    if (!view) return;

    const typed: TypedFields = {
      email: view.emailLocked ? (view.email ?? '') : formField(ctx, 'email'),
      name: formField(ctx, 'billingName'),
      expiry: formField(ctx, 'cardExpiry'),
    };
    const form = parseCardForm({
      ...typed,
      number: formField(ctx, 'cardNumber'),
      cvc: formField(ctx, 'cardCvc'),
    });
    if (!form.ok) {
      sendPage(ctx, 400, checkoutPage(view, { typed, error: form.error }));
      return;
    }

    const result = flow.pay(view.id, form.card);
    if (result.ok) {
      ctx.status = 303;
      ctx.redirect(result.redirectUrl);
      return;
    }
    if (result.code === 'expired_session') {
      sendPage(ctx, 409, closedSessionPage({ ...view, status: 'expired' }));
      return;
    }
    const status = result.code === 'card_declined' ? 402 : 400;
    const error = { field: FIELD_OF_CODE[result.code], message: result.message };
    // The refreshed view, so the page never shows totals older than what the flow just used.
    sendPage(ctx, status, checkoutPage(flow.view(view.id) ?? view, { typed, error }));
  });

  router.post('/c/pay/:id/promotion', formBody, (ctx) => {
    if (refuseCrossSitePost(ctx)) return;
    const view = openSession(ctx, flow, ctx.params.id, 409);
    if (!view) return;

    const remove = formField(ctx, 'action') === 'remove';
    const code = formField(ctx, 'code');
    if (!remove && !code) {
      const promotion = { code, error: 'Enter a promotion code.' };
      sendPage(ctx, 400, checkoutPage(view, { ...EMPTY_FORM, promotion }));
      return;
    }

    const result = remove
      ? flow.removePromotionCode(view.id)
      : flow.applyPromotionCode(view.id, code);
    if (result.ok) {
      ctx.status = 303;
      ctx.redirect(checkoutPath(view.id));
      return;
    }
    sendPage(
      ctx,
      400,
      checkoutPage(view, { ...EMPTY_FORM, promotion: { code, error: result.message } }),
    );
  });

  return router;
}
