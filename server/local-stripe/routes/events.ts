import { z } from 'zod';
import type { Core } from '../core.ts';
import { noSuch } from '../wire/errors.ts';
import { pageLimit, toList } from '../wire/list.ts';
import { bool, expand, inRange, listParams, range, str } from '../wire/params.ts';
import { respond } from '../wire/respond.ts';
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
    paramsOf(ctx, z.strictObject({ expand }));
    const event = store.events.get(idParam(ctx));
    if (!event) throw noSuch('event', idParam(ctx));
    respond(ctx, event);
  });

  router.get('/v1/events', (ctx) => {
    const p = paramsOf(ctx, EventList);
    const exact = p.type !== undefined && !p.type.includes('*') ? p.type : undefined;
    const page = store.events.page({
      where: exact ? { column: 'type', value: exact } : undefined,
      limit: pageLimit(p.limit),
      starting_after: p.starting_after,
      ending_before: p.ending_before,
      filter: (event) =>
        (p.type === undefined || typeMatches(p.type, event.type)) &&
        (p.types === undefined || p.types.some((t) => typeMatches(t, event.type))) &&
        (p.delivery_success === undefined ||
          (event.pending_webhooks === 0) === p.delivery_success) &&
        inRange(event.created, p.created),
    });
    respond(ctx, toList('/v1/events', page));
  });
}
