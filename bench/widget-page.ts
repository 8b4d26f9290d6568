// A page that embeds the classic widget script and notes when the button first shows its price.
import Router from '@koa/router';

export const WIDGET_PAGE_PATH = '/bench/widget';

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

export function widgetPageRoutes(): Router {
  const router = new Router();
  router.get(WIDGET_PAGE_PATH, (ctx) => {
    ctx.type = 'text/html; charset=utf-8';
    ctx.set('Cache-Control', 'no-store');
    ctx.body = PAGE;
  });
  return router;
}
