// Pages that embed the classic widget script: one notes when the button first shows its price,
// the other when a buyer clicks its button (for the click to the payment form).
import Router from '@koa/router';
import { CHECKOUT_PATH } from '../shared/api/paths.ts';

export const WIDGET_PAGE_PATH = '/bench/widget';
export const WIDGET_CLICK_PAGE_PATH = '/bench/widget-click';

// The button's shadow root exists as soon as the parser reaches it (the classic script in <head>
// has defined the element); a MutationObserver on it sees the price the moment Lit renders it.
const PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>Widget benchmark</title>
    <script src="/widget.js"></script>
  </head>
  <body>
    <checkout-button plan="PRO" billing="annual"></checkout-button>
    <script>
      const root = document.querySelector('checkout-button').shadowRoot;
      const check = () => {
        const price = root && root.querySelector('[part="price"]');
        if (!price || !price.textContent.trim()) return false;
        window.priceShownAt = performance.now();
        window.priceText = price.textContent.replace(/\\s+/g, ' ').trim();
        return true;
      };
      if (!check()) {
        const observer = new MutationObserver(() => check() && observer.disconnect());
        observer.observe(root, { childList: true, subtree: true, characterData: true });
      }
    </script>
  </body>
</html>
`;

/**
 * `?display=overlay|redirect&token=…`: the buyer's button. The click's time, on the page's clock
 * and as a Unix time, and before a redirect when the session came: a redirect leaves the page, so
 * the bench is told at once.
 */
const clickPage = (display: string, token: string) => `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>Widget click benchmark</title>
    <script src="/widget.js"></script>
  </head>
  <body>
    <checkout-button plan="PRO" billing="annual" display="${display}" token="${token}"></checkout-button>
    <script>
      document.addEventListener(
        'click',
        (event) => {
          window.clickedAt = event.timeStamp;
          window.benchClicked(performance.timeOrigin + event.timeStamp);
        },
        { capture: true, once: true },
      );
      document.addEventListener('checkout-redirect', () => {
        const created = performance
          .getEntriesByType('resource')
          .filter((entry) => new URL(entry.name).pathname === ${JSON.stringify(CHECKOUT_PATH)})
          .pop();
        window.benchSessionIn(created ? created.responseEnd - window.clickedAt : NaN);
      });
    </script>
  </body>
</html>
`;

export function widgetPageRoutes(): Router {
  const router = new Router();
  router.get(WIDGET_PAGE_PATH, (ctx) => {
    ctx.type = 'text/html; charset=utf-8';
    ctx.set('Cache-Control', 'no-store');
    ctx.body = PAGE;
  });
  router.get(WIDGET_CLICK_PAGE_PATH, (ctx) => {
    const { display, token } = ctx.query;
    // Written into the page as they are: only a display's name and a JWT's characters.
    if (!/^(overlay|redirect)$/.test(String(display)) || !/^[\w.-]+$/.test(String(token))) {
      ctx.throw(400, 'display must be overlay or redirect, and token a JWT');
    }
    ctx.type = 'text/html; charset=utf-8';
    ctx.set('Cache-Control', 'no-store');
    ctx.body = clickPage(String(display), String(token));
  });
  return router;
}
