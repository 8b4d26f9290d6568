// The widget's script files, for any page on any origin: `/widget.js` (classic) and `/widget.mjs` (module).
import Router from '@koa/router';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { notFound } from '../errors.ts';

const FILES = {
  '/widget.js': 'checkout-button.classic.js',
  '/widget.mjs': 'checkout-button.js',
} as const;

export function widgetAssetRoutes(distDir: string): Router {
  const router = new Router();
  const cache = new Map<string, Promise<{ body: Buffer; etag: string }>>();
  const load = (file: string) => {
    let entry = cache.get(file);
    if (!entry) {
      entry = readFile(join(distDir, file)).then((body) => ({
        body,
        etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
      }));
      entry.catch(() => cache.delete(file));
      cache.set(file, entry);
    }
    return entry;
  };

  for (const [path, file] of Object.entries(FILES)) {
    router.get(path, async (ctx) => {
      const asset = await load(file).catch(() => {
        throw notFound('The widget has not been built: run npm run build', 'widget_not_built');
      });
      ctx.set({
        'Access-Control-Allow-Origin': '*',
        'Cross-Origin-Resource-Policy': 'cross-origin',
        // A day fresh, a week stale-while-revalidate: long enough to be cheap, short enough for upgrades.
        'Cache-Control': 'public, max-age=86400, stale-while-revalidate=604800',
        ETag: asset.etag,
      });
      ctx.type = 'text/javascript; charset=utf-8';
      if (ctx.get('if-none-match') === asset.etag) {
        ctx.status = 304;
        return;
      }
      ctx.body = asset.body;
    });
  }
  return router;
}
