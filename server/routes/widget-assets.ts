// The widget's script files, for any page on any origin: `/widget.js` (classic), `/widget.mjs`
// (module) and the embedded checkout's module beside them.
import Router from '@koa/router';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { AppError } from '../errors.ts';

const FILES = {
  '/widget.js': 'checkout-button.classic.js',
  '/widget.mjs': 'checkout-button.js',
  // Fetched by either of them, from beside itself, on the first click for an embedded checkout.
  '/widget-embedded.mjs': 'widget-embedded.mjs',
} as const;

type Encoding = 'br' | 'gzip' | 'identity';

/** One file, compressed once when first asked for: every page load of every site fetches it. */
interface Asset {
  etag: string;
  bodies: Record<Encoding, Buffer>;
}

async function loadAsset(path: string): Promise<Asset> {
  const body = await readFile(path);
  return {
    etag: createHash('sha256').update(body).digest('base64url').slice(0, 27),
    bodies: {
      br: brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }),
      gzip: gzipSync(body, { level: 9 }),
      identity: body,
    },
  };
}

export function widgetAssetRoutes(distDir: string): Router {
  const router = new Router();
  const cache = new Map<string, Promise<Asset>>();
  const load = (file: string) => {
    let asset = cache.get(file);
    if (!asset) {
      asset = loadAsset(join(distDir, file));
      asset.catch(() => cache.delete(file));
      cache.set(file, asset);
    }
    return asset;
  };

  for (const [path, file] of Object.entries(FILES)) {
    router.get(path, async (ctx) => {
      const asset = await load(file).catch(() => {
        throw new AppError('widget_not_built');
      });
      const encoding = (ctx.acceptsEncodings('br', 'gzip', 'identity') || 'identity') as Encoding;
      // Each encoding is a different representation, so each has its own validator.
      const etag = `"${asset.etag}-${encoding}"`;
      ctx.set({
        'Access-Control-Allow-Origin': '*',
        'Cross-Origin-Resource-Policy': 'cross-origin',
        // A day fresh, a week stale-while-revalidate: long enough to be cheap, short enough for upgrades.
        'Cache-Control': 'public, max-age=86400, stale-while-revalidate=604800',
        Vary: 'Accept-Encoding',
        ETag: etag,
      });
      ctx.type = 'text/javascript; charset=utf-8';
      if (ctx.get('if-none-match') === etag) {
        ctx.status = 304;
        return;
      }
      if (encoding !== 'identity') ctx.set('Content-Encoding', encoding);
      ctx.body = asset.bodies[encoding];
    });
  }
  return router;
}
