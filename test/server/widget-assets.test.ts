import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { startStack, type Stack } from '../support/stack.ts';

describe('GET /widget.js and /widget.mjs', () => {
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
});
