import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  appendFileSync,
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { execFileSync } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Koa from 'koa';
import { errorHandler } from '../../server/http/error-handler.ts';
import {
  readWidgetManifest,
  widgetAssetRoutes,
  type WidgetManifest,
} from '../../server/routes/widget-assets.ts';
import { startStack, type Stack } from '../support/stack.ts';

const ENTRY_FILES = {
  '/widget.js': 'dist/checkout-button.classic.js',
  '/widget.mjs': 'dist/checkout-button.js',
} as const;
const IMMUTABLE = 'public, max-age=31536000, immutable';

/** How the build names a checkout module: the first 8 bytes of its SHA-384, in hex. */
const versionOf = (bytes: Buffer | string) =>
  createHash('sha384').update(bytes).digest().subarray(0, 8).toString('hex');

/** The checkout module a built script imports, by the name it imports it by. */
function importedCheckoutModule(script: string): string {
  const names = readFileSync(script, 'utf8').match(/widget-checkout[\w.-]*\.mjs/g) ?? [];
  assert.equal(names.length, 1, `${script} imports one checkout module: ${names.join(', ')}`);
  return names[0]!;
}

describe('GET /widget.js, /widget.mjs and their versioned URLs', () => {
  let stack: Stack;
  before(async () => {
    if (!existsSync('dist/checkout-button.classic.js'))
      execFileSync('npx', ['vite', 'build', '--logLevel', 'silent']);
    stack = await startStack();
  });
  after(() => stack.close());

  const get = (path: string, headers: Record<string, string> = {}) =>
    fetch(`${stack.apiUrl}${path}`, { headers: { 'accept-encoding': 'identity', ...headers } });

  it('serves the classic script and the module to any origin with cache headers', async () => {
    for (const [path, file] of [
      ['/widget.js', 'checkout-button.classic.js'],
      ['/widget.mjs', 'checkout-button.js'],
    ]) {
      const response = await get(path!, { origin: 'https://any-site.example' });

      assert.equal(response.status, 200);
      assert.equal(response.headers.get('content-type'), 'text/javascript; charset=utf-8');
      assert.equal(response.headers.get('access-control-allow-origin'), '*');
      assert.match(response.headers.get('cache-control')!, /max-age=86400/);
      assert.equal(
        Buffer.from(await response.arrayBuffer()).equals(readFileSync(`dist/${file}`)),
        true,
      );
    }
  });

  it('sends gzip or brotli to browsers that take them, and the same bytes once decoded', async () => {
    const gzip = await fetch(`${stack.apiUrl}/widget.js`, {
      headers: { 'accept-encoding': 'gzip' },
    });
    const raw = await import('node:http').then(
      (http) =>
        new Promise<{ encoding?: string; length: number }>((resolve) =>
          http.get(
            `${stack.apiUrl}/widget.js`,
            { headers: { 'accept-encoding': 'br, gzip' } },
            (response) => {
              const chunks: Buffer[] = [];
              response.on('data', (chunk: Buffer) => chunks.push(chunk));
              response.on('end', () =>
                resolve({
                  encoding: response.headers['content-encoding'],
                  length: Buffer.concat(chunks).length,
                }),
              );
            },
          ),
        ),
    );

    assert.equal(gzip.headers.get('vary'), 'Accept-Encoding');
    assert.equal(await gzip.text(), readFileSync('dist/checkout-button.classic.js', 'utf8'));
    assert.equal(raw.encoding, 'br');
    assert.ok(raw.length < readFileSync('dist/checkout-button.classic.js').length / 2);
  });

  it('answers a revalidation with 304 when the file is unchanged', async () => {
    const first = await get('/widget.js');
    const again = await get('/widget.js', { 'if-none-match': first.headers.get('etag')! });

    assert.equal(again.status, 304);
  });

  it('serves the checkout module each script imports at its hashed name: same bytes, immutable, to any origin', async () => {
    for (const script of Object.values(ENTRY_FILES)) {
      const file = importedCheckoutModule(script);
      const response = await get(`/${file}`, { origin: 'https://any-site.example' });
      const body = Buffer.from(await response.arrayBuffer());

      assert.match(file, /^widget-checkout\.[0-9a-f]{16}\.mjs$/);
      assert.equal(file, `widget-checkout.${versionOf(body)}.mjs`, 'named by its own bytes');
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('cache-control'), IMMUTABLE);
      assert.equal(response.headers.get('content-type'), 'text/javascript; charset=utf-8');
      assert.equal(response.headers.get('access-control-allow-origin'), '*');
      assert.equal(body.equals(readFileSync(`dist/${file}`)), true);
    }
  });

  it('answers 404 for a checkout module of an unknown hash', async () => {
    const current = importedCheckoutModule(ENTRY_FILES['/widget.js']);

    for (const path of [
      '/widget-checkout.0123456789abcdef.mjs',
      // A hash in the wrong form is refused before any disk is read.
      `/${current.replace(/\.([0-9a-f]{16})\./, (_, hash: string) => `.${hash.toUpperCase()}.`)}`,
      `/${current.replace(/\.mjs$/, '0.mjs')}`,
      '/widget-nothing.0123456789abcdef.mjs',
    ]) {
      assert.equal((await get(path)).status, 404, path);
    }
  });

  it('reads no file outside the widget for an on-demand name that climbs out', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'tilldrop-outside-'));
    writeFileSync(join(outside, 'secret.mjs'), 'export default "not the widget";');
    const hash = versionOf('export default "not the widget";');
    writeFileSync(join(outside, `secret.${hash}.mjs`), 'export default "not the widget";');
    // Enough `..` to reach the root from wherever dist/ is, then down to the file.
    const climb = `x/${'../'.repeat(40)}${outside.slice(1)}/secret`;

    const responses = await Promise.all([
      get(`/widget-${encodeURIComponent(climb)}.mjs`),
      get(`/widget-${encodeURIComponent(climb)}.${hash}.mjs`),
      get(
        `/widget-checkout.${encodeURIComponent(`${hash}/${'../'.repeat(40)}${outside.slice(1)}/secret.${hash}`)}.mjs`,
      ),
    ]);
    rmSync(outside, { recursive: true, force: true });

    assert.deepEqual(
      responses.map((response) => response.status),
      [404, 404, 404],
    );
  });

  it('serves each script at its versioned URL from the manifest: same bytes, immutable, to any origin', async () => {
    const manifest = (await (await get('/widget-manifest.json')).json()) as WidgetManifest;

    for (const [path, file] of Object.entries(ENTRY_FILES)) {
      const { path: versioned } = manifest[path as keyof WidgetManifest];
      const response = await get(versioned, { origin: 'https://any-site.example' });

      assert.match(
        versioned,
        path === '/widget.js' ? /^\/widget\.\w+\.js$/ : /^\/widget\.\w+\.mjs$/,
      );
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('cache-control'), 'public, max-age=31536000, immutable');
      assert.equal(response.headers.get('content-type'), 'text/javascript; charset=utf-8');
      assert.equal(response.headers.get('access-control-allow-origin'), '*');
      assert.equal(response.headers.get('cross-origin-resource-policy'), 'cross-origin');
      assert.equal(Buffer.from(await response.arrayBuffer()).equals(readFileSync(file)), true);
    }
  });

  it('publishes the sha384 of the bytes it serves as the integrity of each script', async () => {
    const response = await get('/widget-manifest.json', { origin: 'https://any-site.example' });
    const manifest = (await response.json()) as WidgetManifest;

    assert.equal(response.headers.get('access-control-allow-origin'), '*');
    assert.equal(response.headers.get('cache-control'), 'no-cache');
    for (const path of Object.keys(ENTRY_FILES)) {
      const { path: versioned, integrity } = manifest[path as keyof WidgetManifest];
      for (const url of [path, versioned]) {
        const served = Buffer.from(await (await get(url)).arrayBuffer());
        const sha384 = `sha384-${createHash('sha384').update(served).digest('base64')}`;
        assert.equal(integrity, sha384, url);
      }
    }
  });

  it('answers 404 for the versioned URL of another build, or of no build', async () => {
    const olderDist = mkdtempSync(join(tmpdir(), 'tilldrop-older-widget-'));
    cpSync('dist', olderDist, { recursive: true });
    appendFileSync(join(olderDist, 'checkout-button.classic.js'), '\n// an older build\n');
    appendFileSync(join(olderDist, 'checkout-button.js'), '\n// an older build\n');
    const older = await readWidgetManifest(olderDist);
    rmSync(olderDist, { recursive: true, force: true });
    const current = (await (await get('/widget-manifest.json')).json()) as WidgetManifest;

    for (const path of Object.keys(ENTRY_FILES) as (keyof WidgetManifest)[]) {
      assert.notEqual(older[path].path, current[path].path);
      assert.equal((await get(older[path].path)).status, 404, older[path].path);
    }
    assert.equal((await get('/widget.0123456789abcdef.js')).status, 404);
    // The module's version names other bytes than the classic script's.
    const moduleVersion = current['/widget.mjs'].path.split('.')[1];
    assert.equal((await get(`/widget.${moduleVersion}.js`)).status, 404);
  });

  it('answers a revalidation of a versioned URL with 304', async () => {
    const manifest = (await (await get('/widget-manifest.json')).json()) as WidgetManifest;
    const first = await get(manifest['/widget.js'].path);
    const again = await get(manifest['/widget.js'].path, {
      'if-none-match': first.headers.get('etag')!,
    });

    assert.equal(again.status, 304);
  });
});

describe('the checkout modules of earlier builds', () => {
  /** An earlier build's module, as that build named it, last written `daysAgo`. */
  const earlierModule = (dir: string, daysAgo: number) => {
    const code = `export default function leave() { return 'built ${daysAgo} days ago'; }\n`;
    const file = `widget-checkout.${versionOf(code)}.mjs`;
    writeFileSync(join(dir, file), code);
    const builtAt = new Date(Date.now() - daysAgo * 86_400_000);
    utimesSync(join(dir, file), builtAt, builtAt);
    return file;
  };

  let outDir: string;
  let earlier: string[];
  let server: ReturnType<Koa['listen']>;
  let origin: string;
  before(async () => {
    outDir = mkdtempSync(join(tmpdir(), 'tilldrop-widget-rebuild-'));
    // Newest first: seven earlier builds a day apart; and a file no build writes any more.
    earlier = [1, 2, 3, 4, 5, 6, 7].map((daysAgo) => earlierModule(outDir, daysAgo));
    writeFileSync(join(outDir, 'stale.js'), '// no longer built\n');
    execFileSync(process.execPath, [
      'node_modules/vite/bin/vite.js',
      'build',
      '--outDir',
      outDir,
      '--logLevel',
      'silent',
    ]);
    const app = new Koa().use(errorHandler()).use(widgetAssetRoutes(outDir).routes());
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    rmSync(outDir, { recursive: true, force: true });
  });

  it('keeps the five newest earlier modules beside the one the new build imports, and nothing else', () => {
    const current = importedCheckoutModule(join(outDir, 'checkout-button.classic.js'));

    assert.equal(importedCheckoutModule(join(outDir, 'checkout-button.js')), current);
    assert.equal(current, `widget-checkout.${versionOf(readFileSync(join(outDir, current)))}.mjs`);
    assert.deepEqual(
      readdirSync(outDir).sort(),
      ['checkout-button.classic.js', 'checkout-button.js', current, ...earlier.slice(0, 5)].sort(),
    );
  });

  it('serves an earlier build’s module at its name, immutable, and 404 for one no longer kept', async () => {
    const kept = await fetch(`${origin}/${earlier[4]}`);
    const dropped = await fetch(`${origin}/${earlier[5]}`);

    assert.equal(kept.status, 200);
    assert.equal(kept.headers.get('cache-control'), IMMUTABLE);
    assert.equal(
      Buffer.from(await kept.arrayBuffer()).equals(readFileSync(join(outDir, earlier[4]!))),
      true,
    );
    assert.equal(dropped.status, 404);
  });

  it('serves no module under a hash that does not name its bytes', async () => {
    const impostor = `widget-checkout.${'0'.repeat(16)}.mjs`;
    writeFileSync(join(outDir, impostor), 'export default "edited after the build";\n');

    const response = await fetch(`${origin}/${impostor}`);

    assert.equal(response.status, 404);
  });
});
