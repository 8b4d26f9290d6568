import { z } from 'zod';
import type { Core } from '../core.ts';
import { listOf } from '../wire/list.ts';
import { bool, inRange, listParams, range, str } from '../wire/params.ts';
import { respond } from '../wire/respond.ts';
import { Retrieve, retrieve } from '../wire/retrieve.ts';
import { idParam, paramsOf, type ApiRouter } from '../wire/route.ts';

const EventList = z.strictObject({
  ...listParams,
  type: str.optional(),
  types: z.array(str).optional(),
  created: range.optional(),
  delivery_success: bool.optional(),
});

/** `type` may end in `*`, as in `customer.subscription.*`. */
function typeMatches(pattern: string, type: string): boolean {
  return pattern.endsWith('*') ? type.startsWith(pattern.slice(0, -1)) : pattern === type;
}

export function eventRoutes(core: Core, router: ApiRouter): void {
  const { store } = core;

  router.get('/v1/events/:id', (ctx) => {
    paramsOf(ctx, Retrieve);
    respond(ctx, retrieve(store.events, 'event', idParam(ctx)));
  });

  router.get('/v1/events', (ctx) => {
    const p = paramsOf(ctx, EventList);
    const exact = p.type !== undefined && !p.type.includes('*') ? p.type : undefined;
    const list = listOf('/v1/events', store.events, p, {
      where: exact ? { column: 'type', value: exact } : undefined,
      filter: (event) =>
        (p.type === undefined || typeMatches(p.type, event.type)) &&
        (p.types === undefined || p.types.some((t) => typeMatches(t, event.type))) &&
        (p.delivery_success === undefined ||
          (event.pending_webhooks === 0) === p.delivery_success) &&
        inRange(event.created, p.created),
    });
    respond(ctx, list);
  });
}
