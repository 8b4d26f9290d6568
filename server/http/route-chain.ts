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

/** The methods found by one lookup: the widget's reads, and Stripe's webhook deliveries. */
const LOOKED_UP = ['GET', 'POST'] as const;
type LookedUp = (typeof LOOKED_UP)[number];

/**
 * Runs `steps` in order, like `app.use` of each (a router as its `routes()`). A GET or a POST to
 * the exact, parameter-free path of a route is found by one lookup instead: every page with the
 * widget asks for the prices and the scripts, Stripe may send a webhook burst, and a router tests
 * each of its routes' patterns in turn. That lookup runs the same middleware the chain would have
 * run before the route, and skips only the routers which, checked once here, do not match that
 * path, and for a GET the steps marked `passesReads`; any other request (a parameter, a changed
 * case or trailing slash, another method) takes the whole chain.
 */
export function routeChain(steps: readonly ChainStep[]): Middleware {
  const asMiddleware = steps.map((step) => (isRouter(step) ? (step.routes() as Middleware) : step));
  const exact = new Map<string, Middleware>();
  for (const method of LOOKED_UP) {
    const kept = (s: ChainStep) => method !== 'GET' || !passingReads.has(s as Middleware);
    steps.forEach((step, index) => {
      if (!isRouter(step)) return;
      for (const layer of step.stack) {
        const path = exactPathOf(layer, method);
        const key = `${method} ${path}`;
        if (path === undefined || exact.has(key)) continue;
        const before = steps.slice(0, index);
        if (
          !isFirstMatch(step, layer, path, method) ||
          before.some((s) => isRouter(s) && matches(s, path, method))
        )
          continue;
        exact.set(
          key,
          sequence([
            ...(before.filter((s) => !isRouter(s) && kept(s)) as Middleware[]),
            matched(layer),
            ...(layer.stack as Middleware[]),
            ...asMiddleware.slice(index + 1).filter(kept),
          ]),
        );
      }
    });
  }
  const whole = sequence(asMiddleware);
  return (ctx, next) => (exact.get(`${ctx.method} ${ctx.path}`) ?? whole)(ctx, next);
}

const isRouter = (step: ChainStep): step is Router => typeof step !== 'function';

/** The path a route answers literally, or undefined when it has parameters or a pattern. */
function exactPathOf(layer: Layer, method: LookedUp): string | undefined {
  const { path } = layer;
  if (!layer.methods.includes(method) || layer.paramNames.length > 0) return undefined;
  if (typeof path !== 'string' || !/^[\w\-./~]+$/.test(path) || !layer.match(path))
    return undefined;
  return path;
}

/** Whether the router, given this path, would run this route and nothing else. */
function isFirstMatch(router: Router, layer: Layer, path: string, method: LookedUp): boolean {
  const { pathAndMethod } = router.match(path, method);
  return pathAndMethod.length === 1 && pathAndMethod[0] === layer;
}

const matches = (router: Router, path: string, method: LookedUp) =>
  router.match(path, method).pathAndMethod.length > 0;

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
