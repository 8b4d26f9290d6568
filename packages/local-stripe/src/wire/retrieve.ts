import type { Context } from 'koa';
import { z } from 'zod';
import { noSuch } from './errors.ts';
import { expandObject, type Resolver } from './expand.ts';
import { expand } from './params.ts';
import { respond } from './respond.ts';
import { idParam, paramsOf } from './route.ts';

interface Lookup<T> {
  get(id: string): T | undefined;
}

/** The only params a plain retrieve takes. */
export const Retrieve = z.strictObject({ expand });

/** The object with this id, or Stripe's 404 naming it as Stripe does (`checkout.session`). */
export function retrieve<T>(lookup: Lookup<T>, objectName: string, id: string, param?: string): T {
  const object = lookup.get(id);
  if (object === undefined) throw noSuch(objectName, id, param);
  return object;
}

/** `GET /v1/<resources>/:id`: the stored object with `expand[]` applied. */
export function retrieveRoute<T>(
  lookup: Lookup<T>,
  objectName: string,
  expandWith: Resolver,
  param?: string,
): (ctx: Context) => void {
  return (ctx) => {
    const p = paramsOf(ctx, Retrieve);
    const object = retrieve(lookup, objectName, idParam(ctx), param);
    respond(ctx, expandObject(object, p.expand, expandWith));
  };
}
