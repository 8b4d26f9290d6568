// Every endpoint of the API in one list, and the dialect a path speaks.
import type { Endpoint } from '../contract.ts';
import type { Dialect } from '../errors.ts';
import { accountApi } from './account.ts';
import { checkoutConfigApi } from './checkout-config.ts';
import { genericApi } from './generic.ts';
import { plansApi } from './plans.ts';
import { sessionsApi } from './sessions.ts';
import { subscriptionApi } from './subscription.ts';

export const ENDPOINTS: readonly Endpoint[] = [
  genericApi,
  sessionsApi,
  subscriptionApi,
  plansApi,
  accountApi,
  checkoutConfigApi,
].flatMap((api) => Object.values(api));

/** What no endpoint claims (the webhook, the widget's files, any unknown path) speaks. */
const DEFAULT_DIALECT: Dialect = 'api';

// The router matches paths regardless of case and of a trailing slash; so does this.
const segmentsOf = (path: string) => path.toLowerCase().replace(/\/+$/, '').split('/').slice(1);
const ROUTES = ENDPOINTS.map((endpoint) => ({ endpoint, segments: segmentsOf(endpoint.path) }));

const serves = (pattern: string[], segments: string[]) =>
  pattern.length === segments.length &&
  pattern.every((part, i) => (part.startsWith(':') ? segments[i] !== '' : part === segments[i]));

/**
 * The dialect of the endpoint that serves the path, for errors raised before any route runs
 * (a body that is no JSON, 404, 405). A path no endpoint serves speaks the dialect of its first
 * segment when only one dialect's endpoints live there (`/payment/…`), else the default.
 */
export function dialectOfPath(path: string): Dialect {
  const segments = segmentsOf(path);
  const served = ROUTES.find((route) => serves(route.segments, segments));
  if (served) return served.endpoint.dialect;
  const neighbours = new Set(
    ROUTES.filter((route) => route.segments[0] === segments[0]).map(
      (route) => route.endpoint.dialect,
    ),
  );
  return neighbours.size === 1 ? [...neighbours][0]! : DEFAULT_DIALECT;
}
