// A GET or a POST to a route's exact path skips the routers that cannot match it, and gets the same answer
// as through the whole chain.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import Koa, { type Middleware } from 'koa';
import Router from '@koa/router';
import { passesReads, routeChain } from '../../server/http/route-chain.ts';

/** Adds its name to `X-Steps`, so an answer shows every step it passed through. */
const step =
  (name: string): Middleware =>
  (ctx, next) => {
    ctx.append('X-Steps', name);
    return next();
  };

function buildApp(): Koa {
  const scripts = new Router();
  scripts.get('/script-:name.js', (ctx) => {
    ctx.body = `script ${ctx.params.name}`;
  });
  scripts.get('/script-main.js', (ctx) => {
    ctx.body = 'never: the pattern above is registered first';
  });
  const hooks = new Router();
  hooks.post('/hooks', (ctx) => {
    ctx.body = 'hook';
  });
  const api = new Router();
  api.get('/api/prices', (ctx) => {
    ctx.body = { prices: [], params: ctx.params };
  });
  api.post('/api/orders', (ctx) => {
    ctx.body = 'ordered';
  });
  api.get('/api/hand-on', (_ctx, next) => next());
  api.get('/api/items/:id', (ctx) => {
    ctx.body = { id: ctx.params.id };
  });

  const app = new Koa();
  app.use(async (ctx, next) => {
    await next();
    if (ctx.status === 404 && ctx.body === undefined) ctx.body = 'fell through';
  });
  app.use(
    routeChain([
      scripts,
      step('cors'),
      hooks,
      step('body'),
      passesReads(step('writes only')),
      api,
      step('after'),
    ]),
  );
  app.use(api.allowedMethods());
  return app;
}

describe('the route chain', () => {
  let server: Server;
  let base: string;
  before(async () => {
    server = createServer(buildApp().callback());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const get = async (path: string, method = 'GET') => {
    const response = await fetch(`${base}${path}`, { method });
    return {
      status: response.status,
      steps: response.headers.get('x-steps'),
      allow: response.headers.get('allow'),
      body: await response.text(),
    };
  };

  it('runs the steps before a route and the route, whatever the spelling of its path', async () => {
    const exact = await get('/api/prices');
    const respelled = await get('/API/Prices/');

    assert.equal(exact.status, 200);
    assert.equal(exact.steps, 'cors, body');
    assert.deepEqual(JSON.parse(exact.body), { prices: [], params: {} });
    assert.deepEqual({ ...respelled, steps: 'cors, body' }, exact);
  });

  it('runs a step that hands reads on for every request but a GET found by one lookup', async () => {
    const exact = await get('/api/prices');
    const respelled = await get('/API/Prices/');
    const withParameter = await get('/api/items/42');

    assert.equal(exact.steps, 'cors, body');
    assert.equal(respelled.steps, 'cors, body, writes only');
    assert.equal(withParameter.steps, 'cors, body, writes only');
  });

  it('finds a POST by one lookup too, with every step before its route, reads-only ones included', async () => {
    const hook = await get('/hooks', 'POST');
    const respelledHook = await get('/Hooks/', 'POST');
    const order = await get('/api/orders', 'POST');
    const respelledOrder = await get('/API/orders/', 'POST');

    assert.deepEqual([hook.status, hook.body, hook.steps], [200, 'hook', 'cors']);
    assert.deepEqual(respelledHook, hook);
    assert.deepEqual(
      [order.status, order.body, order.steps],
      [200, 'ordered', 'cors, body, writes only'],
    );
    assert.deepEqual(respelledOrder, order);
  });

  it('leaves a path an earlier router matches by pattern to that router', async () => {
    const answer = await get('/script-main.js');

    assert.equal(answer.body, 'script main');
    assert.equal(answer.steps, null);
  });

  it('answers routes with parameters through the whole chain', async () => {
    const answer = await get('/api/items/42');

    assert.deepEqual(JSON.parse(answer.body), { id: '42' });
    assert.equal(answer.steps, 'cors, body, writes only');
  });

  it('lets a route hand on to the steps after its router', async () => {
    const exact = await get('/api/hand-on');
    const respelled = await get('/api/hand-on/');

    assert.equal(exact.steps, 'cors, body, after');
    assert.equal(respelled.steps, 'cors, body, writes only, after');
    assert.equal(respelled.body, exact.body);
  });

  it('leaves another method on the same path to the router, which names the allowed ones', async () => {
    const answer = await get('/api/prices', 'POST');

    assert.equal(answer.status, 405);
    assert.equal(answer.allow, 'HEAD, GET');
  });

  it('lets a path no router knows through every step', async () => {
    const answer = await get('/nowhere');

    assert.equal(answer.body, 'fell through');
    assert.equal(answer.steps, 'cors, body, writes only, after');
  });
});
