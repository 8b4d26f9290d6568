// Routes of the hosted checkout page (checkout.stripe.com/c/pay/…): show it, take the card, apply
// promotion codes. Every form posts and redirects, so the page works without any script. The
// embedded checkout serves the same page in a frame, through its own `CheckoutSurface`.
import Router from '@koa/router';
import type { Context } from 'koa';
import type { CheckoutFlow, CheckoutPageView, PayResult } from './flows.ts';
import {
  parseCardForm,
  type CardField,
  type CardFormResult,
  type TypedFields,
} from './card-form.ts';
import { checkoutPage, checkoutPath, EMPTY_FORM, type FormPath } from './checkout-view.ts';
import { formBody, formField } from './form-body.ts';
import { refuseCrossSitePost } from './cross-site.ts';
import { sendPage, type Page } from './layout.ts';
import { messagePage, notFoundPage } from './message-page.ts';

/** Where and how a checkout page is served: hosted on its own, or framed by Stripe.js. */
export interface CheckoutSurface {
  /** The page's route, with `:id`. */
  route: string;
  /** This request's page path, which its forms post to and its redirects come back to. */
  pathOf(ctx: Context): FormPath;
  send(ctx: Context, status: number, page: Page): void;
  /** The page of a paid or expired session. */
  closedPage(ctx: Context, view: CheckoutPageView): Page;
  /** Where the browser goes once paid, given where the session's own settings send it. */
  afterPayment(ctx: Context, view: CheckoutPageView, redirectUrl: string): string;
}

type PayFailure = Extract<PayResult, { ok: false }>;

const FIELD_OF_CODE: Record<PayFailure['code'], CardField> = {
  card_declined: 'card',
  incorrect_number: 'number',
  invalid_expiry: 'expiry',
  invalid_cvc: 'cvc',
  invalid_email: 'email',
  expired_session: 'card',
};

function closedSessionPage(view: CheckoutPageView): Page {
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

const HOSTED: CheckoutSurface = {
  route: '/c/pay/:id',
  pathOf: () => checkoutPath,
  send: sendPage,
  closedPage: (_ctx, view) => closedSessionPage(view),
  afterPayment: (_ctx, _view, redirectUrl) => redirectUrl,
};

export function createCheckoutPageRouter(flow: CheckoutFlow): Router {
  return createCheckoutRoutes(flow, HOSTED);
}

export function createCheckoutRoutes(flow: CheckoutFlow, surface: CheckoutSurface): Router {
  const router = new Router();
  const { route, send } = surface;
  const page = (ctx: Context, view: CheckoutPageView, state = EMPTY_FORM) =>
    checkoutPage(view, state, surface.pathOf(ctx));

  /**
   * Loads the session and answers for it when the page cannot be used: unknown ids get a 404,
   * paid or expired sessions their own page. Returns the view only when the session is open.
   */
  function openSession(ctx: Context, id: string, closedStatus: number) {
    const view = flow.view(id);
    if (!view) {
      send(ctx, 404, notFoundPage('checkout session'));
      return null;
    }
    if (view.status !== 'open') {
      send(ctx, closedStatus, surface.closedPage(ctx, view));
      return null;
    }
    return view;
  }

  router.get(route, (ctx) => {
    const view = openSession(ctx, ctx.params.id!, 200);
    if (view) send(ctx, 200, page(ctx, view));
  });

  router.post(route, formBody, (ctx) => {
    if (refuseCrossSitePost(ctx)) return;
    const view = openSession(ctx, ctx.params.id!, 409);
    if (!view) return;

    const typed: TypedFields = {
      email: view.emailLocked ? (view.email ?? '') : formField(ctx, 'email'),
      name: formField(ctx, 'billingName'),
      expiry: formField(ctx, 'cardExpiry'),
    };
    // A session that needs no card shows no card form; the flow checks the email and takes a
    // blank card number as no card given.
    const form: CardFormResult =
      view.cardRequired === false && !formField(ctx, 'cardNumber')
        ? {
            ok: true,
            card: { email: typed.email, number: '', expMonth: 0, expYear: 0, cvc: '' },
          }
        : parseCardForm({
            ...typed,
            number: formField(ctx, 'cardNumber'),
            cvc: formField(ctx, 'cardCvc'),
          });
    if (!form.ok) {
      send(ctx, 400, page(ctx, view, { typed, error: form.error }));
      return;
    }

    const result = flow.pay(view.id, form.card);
    if (result.ok) {
      ctx.status = 303;
      ctx.redirect(surface.afterPayment(ctx, view, result.redirectUrl));
      return;
    }
    if (result.code === 'expired_session') {
      send(ctx, 409, surface.closedPage(ctx, { ...view, status: 'expired' }));
      return;
    }
    const status = result.code === 'card_declined' ? 402 : 400;
    const error = { field: FIELD_OF_CODE[result.code], message: result.message };
    // The refreshed view, so the page never shows totals older than what the flow just used.
    send(ctx, status, page(ctx, flow.view(view.id) ?? view, { typed, error }));
  });

  router.post(`${route}/promotion`, formBody, (ctx) => {
    if (refuseCrossSitePost(ctx)) return;
    const view = openSession(ctx, ctx.params.id!, 409);
    if (!view) return;

    const remove = formField(ctx, 'action') === 'remove';
    const code = formField(ctx, 'code');
    if (!remove && !code) {
      const promotion = { code, error: 'Enter a promotion code.' };
      send(ctx, 400, page(ctx, view, { ...EMPTY_FORM, promotion }));
      return;
    }

    const result = remove
      ? flow.removePromotionCode(view.id)
      : flow.applyPromotionCode(view.id, code);
    if (result.ok) {
      ctx.status = 303;
      ctx.redirect(surface.pathOf(ctx)(view.id));
      return;
    }
    send(ctx, 400, page(ctx, view, { ...EMPTY_FORM, promotion: { code, error: result.message } }));
  });

  return router;
}
