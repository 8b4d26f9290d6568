import type Router from '@koa/router';
import type { Middleware } from 'koa';

/** A step of the chain: middleware every request passes through, or a router it may stop at. */
export type ChainStep = Middleware | Router;

type Layer = Router['stack'][number];

const passingReads = new WeakSet<Middleware>();

/**
 * Marks `middleware` as one that hands every GET straight on (a body parser, a check of requests
 * that change something), so the one-lookup path of an exact GET leaves it out: a cacheable read
 * then pays only for the steps that do something to it. Every other request still runs it.
 */
export function passesReads<M extends Middleware>(middleware: M): M {
  passingReads.add(middleware);
  return middleware;
}

/**
 * Runs `steps` in order, like `app.use` of each (a router as its `routes()`). A GET to the exact,
 * parameter-free path of a route is found by one lookup instead: every page with the widget asks
 * for the prices and the scripts, and a router tests each of its routes' patterns in turn. That
 * lookup runs the same middleware the chain would have run before the route, and skips only the
 * routers which, checked once here, do not match that path, and the steps marked `passesReads`;
 * any other request (a parameter, a changed case or trailing slash, another method) takes the
 * whole chain.
 */
export function routeChain(steps: readonly ChainStep[]): Middleware {
  const asMiddleware = steps.map((step) => (isRouter(step) ? (step.routes() as Middleware) : step));
  const exactGets = new Map<string, Middleware>();
  steps.forEach((step, index) => {
    if (!isRouter(step)) return;
    for (const layer of step.stack) {
      const path = exactPathOf(layer);
      if (path === undefined || exactGets.has(path)) continue;
      const before = steps.slice(0, index);
      if (!isFirstMatch(step, layer, path) || before.some((s) => isRouter(s) && matches(s, path)))
        continue;
      exactGets.set(
        path,
        sequence([
          ...(before.filter((s) => !isRouter(s) && !passingReads.has(s)) as Middleware[]),
          matched(layer),
          ...(layer.stack as Middleware[]),
          ...asMiddleware.slice(index + 1).filter((s) => !passingReads.has(s)),
        ]),
      );
    }
  });
  const whole = sequence(asMiddleware);
  return (ctx, next) => {
    const exact = ctx.method === 'GET' ? exactGets.get(ctx.path) : undefined;
    return (exact ?? whole)(ctx, next);
  };
}

const isRouter = (step: ChainStep): step is Router => typeof step !== 'function';

/** The path a GET route answers literally, or undefined when it has parameters or a pattern. */
function exactPathOf(layer: Layer): string | undefined {
  const { path } = layer;
  if (!layer.methods.includes('GET') || layer.paramNames.length > 0) return undefined;
  if (typeof path !== 'string' || !/^[\w\-./~]+$/.test(path) || !layer.match(path))
    return undefined;
  return path;
}

/** Whether the router, given this path, would run this route and nothing else. */
function isFirstMatch(router: Router, layer: Layer, path: string): boolean {
  const { pathAndMethod } = router.match(path, 'GET');
  return pathAndMethod.length === 1 && pathAndMethod[0] === layer;
}

const matches = (router: Router, path: string) =>
  router.match(path, 'GET').pathAndMethod.length > 0;

/** What the router records for a matched route, which the error handler reads. */
function matched(layer: Layer): Middleware {
  return (ctx, next) => {
    ctx.params = {};
    (ctx as { matched?: Layer[] }).matched = [layer];
    return next();
  };
}

/** `steps` as one middleware, each calling the next, the last calling the chain's `next`. */
function sequence(steps: readonly Middleware[]): Middleware {
  return steps.reduceRight<Middleware>(
    (rest, step) => (ctx, next) => step(ctx, () => rest(ctx, next)),
    (_ctx, next) => next(),
  );
}
