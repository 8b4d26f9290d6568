// The embedded checkout that Stripe.js's `createEmbeddedCheckoutPage` shows in a frame on the
// merchant's page: the hosted checkout page at /c/embedded/:id, the call that opens a session from
// its client secret, and the Stripe.js stand-in itself (stripe-js.js beside this file).
import { readFileSync } from 'node:fs';
import type Router from '@koa/router';
import type { Context } from 'koa';
import { createCheckoutRoutes, type CheckoutSurface } from './checkout-page.ts';
import type { FormPath } from './checkout-view.ts';
import type { EmbeddedCheckoutFlow } from './embedded-flow.ts';
import { formBody, formField } from './form-body.ts';
import { html } from './html.ts';
import { sendPage, type Framing, type Page } from './layout.ts';
import { messagePage } from './message-page.ts';

const STRIPE_JS = readFileSync(new URL('./stripe-js.js', import.meta.url), 'utf8');

/**
 * Any site may frame the page, as any site may run Stripe.js: the client secret, checked when
 * Stripe.js opens the session, is what lets a page show it. The frame tells only the origin that
 * Stripe.js declared (postMessage drops messages for any other parent), and tells no secret.
 */
const EMBEDDABLE: Framing = { frameAncestors: 'http: https:' };

// The frame fits its parent's box to the page and tells the parent when the session is paid.
const FRAME_SCRIPT = `(() => {
  const parentOrigin = document.getElementById('frame')?.dataset.parentOrigin;
  if (!parentOrigin || window.parent === window) return;
  const tell = (message) =>
    window.parent.postMessage({ source: 'local-stripe-checkout', ...message }, parentOrigin);
  const body = document.body;
  new ResizeObserver(() => tell({ type: 'resize', height: body.getBoundingClientRect().height }))
    .observe(body);
  const complete = document.getElementById('complete');
  if (complete) tell({ type: 'complete', redirectUrl: complete.dataset.redirectUrl || null });
})();`;

// A frame is as tall as its content, not as the window it has not got.
const FRAME_STYLES = `
body { min-height: 0; }
.checkout-app { min-height: 0 !important; }
`;

/** The origin Stripe.js said it runs on, if it is an http(s) origin and nothing else. */
function parentOrigin(ctx: Context): string | null {
  const given = ctx.query['origin'];
  if (typeof given !== 'string') return null;
  try {
    const url = new URL(given);
    const web = url.protocol === 'https:' || url.protocol === 'http:';
    return web && url.origin === given ? given : null;
  } catch {
    return null;
  }
}

function framePath(ctx: Context): FormPath {
  const origin = parentOrigin(ctx);
  const query = origin ? `?origin=${encodeURIComponent(origin)}` : '';
  return (sessionId, suffix = '') =>
    `/c/embedded/${encodeURIComponent(sessionId)}${suffix}${query}`;
}

function sendFramed(ctx: Context, status: number, page: Page): void {
  const origin = parentOrigin(ctx);
  sendPage(
    ctx,
    status,
    {
      ...page,
      styles: page.styles + FRAME_STYLES,
      body: html`${page.body}
        <div hidden id="frame" data-parent-origin="${origin ?? ''}"></div>`,
      script: FRAME_SCRIPT,
    },
    EMBEDDABLE,
  );
}

function completePage(redirectUrl: string | null): Page {
  const page = messagePage({
    title: 'Payment complete',
    heading: 'Payment complete',
    text: 'Your payment went through. There is nothing left to do here.',
  });
  return {
    ...page,
    body: html`${page.body}
      <div hidden id="complete" data-redirect-url="${redirectUrl ?? ''}"></div>`,
  };
}

const EXPIRED_PAGE = messagePage({
  title: 'Session expired',
  heading: 'This checkout session has expired',
  text: 'Nothing was charged. Start the checkout again.',
});

export function createEmbeddedCheckoutRouter(flow: EmbeddedCheckoutFlow): Router {
  const surface: CheckoutSurface = {
    route: '/c/embedded/:id',
    pathOf: framePath,
    send: sendFramed,
    closedPage: (_ctx, view) =>
      view.status === 'complete'
        ? completePage(flow.completion(view.id)?.redirectUrl ?? null)
        : EXPIRED_PAGE,
    // Back to the frame's own page, which tells Stripe.js what the session's settings ask for.
    afterPayment: (ctx, view) => framePath(ctx)(view.id),
  };
  const router = createCheckoutRoutes(flow, surface);

  // Stripe.js calls this from the merchant's page, so any origin may; it sends no credentials
  // but the publishable key and the client secret, as a form so the browser needs no preflight.
  router.post('/embedded-checkout/open', formBody, (ctx) => {
    const opened = flow.open(formField(ctx, 'key'), formField(ctx, 'client_secret'));
    ctx.set({ 'Access-Control-Allow-Origin': '*', 'Cache-Control': 'no-store' });
    ctx.status = opened.ok ? 200 : opened.status;
    ctx.body = opened.ok
      ? { session_id: opened.sessionId }
      : { error: { type: opened.type, message: opened.message } };
  });

  // Where @stripe/stripe-js's loadStripe looks for Stripe.js (src/shared.ts injects
  // https://js.stripe.com/endive/stripe.js), and the classic /v3/ address.
  router.get(['/endive/stripe.js', '/v3', '/v3/'], (ctx) => {
    ctx.set({
      'Access-Control-Allow-Origin': '*',
      'Cross-Origin-Resource-Policy': 'cross-origin',
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'no-cache',
    });
    ctx.type = 'text/javascript; charset=utf-8';
    ctx.body = STRIPE_JS;
  });

  return router;
}
