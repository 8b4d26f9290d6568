// The widget's script files, for any page on any origin: `/widget.js` (classic), `/widget.mjs`
// (module) and the modules they fetch from beside themselves on demand
// (`/widget-<name>.<hash>.mjs`, each build importing the ones built with it). The two a page
// includes are also served at a URL named by their content, cached for a year, and listed with
// their SRI hashes in `/widget-manifest.json`, so a site can pin the bytes it tested.
import Router, { type RouterContext } from '@koa/router';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { AppError } from '../errors.ts';

/** What a page includes, under its moving URL and its versioned one. */
const ENTRIES = [
  { path: '/widget.js', versioned: '/widget.:version.js', file: 'checkout-button.classic.js' },
  { path: '/widget.mjs', versioned: '/widget.:version.mjs', file: 'checkout-button.js' },
] as const;

/**
 * A module the build writes beside the entries (`widget-<name>.<hash>.mjs`), imported on demand.
 * Earlier builds' modules stay beside the current one (vite.config.ts), so a browser running an
 * older widget still finds its own; `widget-<name>.mjs` is the name builds before hashing imported.
 */
const ON_DEMAND_NAME = /^[a-z0-9-]+$/;
/** The first 8 bytes of the module's SHA-384, in hex, as `Asset.version`. */
const ON_DEMAND_VERSION = /^[0-9a-f]{16}$/;

// A day fresh, a week stale-while-revalidate: long enough to be cheap, short enough for upgrades.
const MOVING = 'public, max-age=86400, stale-while-revalidate=604800';
// A versioned URL always names the same bytes.
const IMMUTABLE = 'public, max-age=31536000, immutable';

type Encoding = 'br' | 'gzip' | 'identity';

/** One file, hashed and compressed once when first asked for: every page load of every site fetches it. */
interface Asset {
  /** Names these bytes in the versioned URL. */
  version: string;
  /** `sha384-…`, what a `<script integrity>` checks the bytes against. */
  integrity: string;
  etag: string;
  bodies: Record<Encoding, Buffer>;
}

/** Each entry script's versioned path and SRI hash, by the path it is also served at. */
export type WidgetManifest = Record<
  (typeof ENTRIES)[number]['path'],
  { path: string; integrity: string }
>;

async function loadAsset(path: string): Promise<Asset> {
  const body = await readFile(path);
  const digest = createHash('sha384').update(body).digest();
  return {
    version: digest.subarray(0, 8).toString('hex'),
    integrity: `sha384-${digest.toString('base64')}`,
    etag: digest.toString('base64url').slice(0, 27),
    bodies: {
      br: brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }),
      gzip: gzipSync(body, { level: 9 }),
      identity: body,
    },
  };
}

type Loader = (file: string) => Promise<Asset>;

/** Loads each file of `distDir` once; one that is missing is looked for again next time. */
function assetLoader(distDir: string): Loader {
  const cache = new Map<string, Promise<Asset>>();
  return (file) => {
    let asset = cache.get(file);
    if (!asset) {
      asset = loadAsset(join(distDir, file));
      asset.catch(() => cache.delete(file));
      cache.set(file, asset);
    }
    return asset;
  };
}

/** An entry script, which is missing only from a server whose widget was never built. */
const loadEntry = (load: Loader, file: string) =>
  load(file).catch(() => {
    throw new AppError('widget_not_built');
  });

async function manifestOf(load: Loader): Promise<WidgetManifest> {
  const entries = await Promise.all(
    ENTRIES.map(async ({ path, versioned, file }) => {
      const { version, integrity } = await loadEntry(load, file);
      return [path, { path: versioned.replace(':version', version), integrity }] as const;
    }),
  );
  return Object.fromEntries(entries) as WidgetManifest;
}

/** The manifest of the widget built into `distDir`, as the server will serve it. */
export function readWidgetManifest(distDir: string): Promise<WidgetManifest> {
  return manifestOf(assetLoader(distDir));
}

/** Readable by any page on any origin, like the scripts themselves. */
function allowEveryOrigin(ctx: RouterContext): void {
  ctx.set({
    'Access-Control-Allow-Origin': '*',
    'Cross-Origin-Resource-Policy': 'cross-origin',
  });
}

function send(ctx: RouterContext, asset: Asset, cacheControl: string): void {
  const encoding = (ctx.acceptsEncodings('br', 'gzip', 'identity') || 'identity') as Encoding;
  // Each encoding is a different representation, so each has its own validator.
  const etag = `"${asset.etag}-${encoding}"`;
  allowEveryOrigin(ctx);
  ctx.set({ 'Cache-Control': cacheControl, Vary: 'Accept-Encoding', ETag: etag });
  ctx.type = 'text/javascript; charset=utf-8';
  if (ctx.get('if-none-match') === etag) {
    ctx.status = 304;
    return;
  }
  if (encoding !== 'identity') ctx.set('Content-Encoding', encoding);
  ctx.body = asset.bodies[encoding];
}

export function widgetAssetRoutes(distDir: string): Router {
  const router = new Router();
  const load = assetLoader(distDir);

  for (const { path, versioned, file } of ENTRIES) {
    router.get(path, async (ctx) => send(ctx, await loadEntry(load, file), MOVING));
    router.get(versioned, async (ctx) => {
      const asset = await loadEntry(load, file);
      // Only the bytes this server has: an older build's URL must not get newer code.
      if (ctx.params.version !== asset.version) throw new AppError('route_not_found');
      send(ctx, asset, IMMUTABLE);
    });
  }
  const loadOnDemand = (file: string) =>
    load(file).catch(() => {
      throw new AppError('route_not_found');
    });
  // Registered first: `:name` alone would also match `checkout.<hash>`.
  router.get('/widget-:name.:version.mjs', async (ctx) => {
    const { name, version } = ctx.params;
    // Checked before any disk is read: a decoded `%2F` must not reach outside the widget's files.
    if (!name || !ON_DEMAND_NAME.test(name) || !version || !ON_DEMAND_VERSION.test(version)) {
      throw new AppError('route_not_found');
    }
    const asset = await loadOnDemand(`widget-${name}.${version}.mjs`);
    // Served as never changing only if the name does name these bytes.
    if (asset.version !== version) throw new AppError('route_not_found');
    send(ctx, asset, IMMUTABLE);
  });
  router.get('/widget-:name.mjs', async (ctx) => {
    const { name } = ctx.params;
    if (!name || !ON_DEMAND_NAME.test(name)) throw new AppError('route_not_found');
    send(ctx, await loadOnDemand(`widget-${name}.mjs`), MOVING);
  });
  router.get('/widget-manifest.json', async (ctx) => {
    const manifest = await manifestOf(load);
    allowEveryOrigin(ctx);
    // It changes with every upgrade of the widget, so it is asked for again each time.
    ctx.set('Cache-Control', 'no-cache');
    ctx.body = manifest;
  });
  return router;
}
