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
  writeFileSync,
} from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readWidgetManifest, type WidgetManifest } from '../../server/routes/widget-assets.ts';
import { startStack, type Stack } from '../support/stack.ts';

const ENTRY_FILES = {
  '/widget.js': 'dist/checkout-button.classic.js',
  '/widget.mjs': 'dist/checkout-button.js',
} as const;

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

  it('serves the modules the scripts import on demand from beside themselves', async () => {
    const modules = readdirSync('dist').filter((file) => /^widget-[a-z0-9-]+\.mjs$/.test(file));

    assert.ok(modules.length > 0, 'the build writes at least one on-demand module');
    for (const file of modules) {
      const response = await get(`/${file}`, { origin: 'https://any-site.example' });

      assert.equal(response.status, 200);
      assert.equal(response.headers.get('access-control-allow-origin'), '*');
      assert.equal(
        Buffer.from(await response.arrayBuffer()).equals(readFileSync(`dist/${file}`)),
        true,
      );
    }
  });

  it('reads no file outside the widget for an on-demand name that climbs out', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'tilldrop-outside-'));
    writeFileSync(join(outside, 'secret.mjs'), 'export default "not the widget";');
    // Enough `..` to reach the root from wherever dist/ is, then down to the file.
    const climb = `x/${'../'.repeat(40)}${outside.slice(1)}/secret`;

    const response = await get(`/widget-${encodeURIComponent(climb)}.mjs`);
    rmSync(outside, { recursive: true, force: true });

    assert.equal(response.status, 404);
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
