import type Stripe from 'stripe';
import { z } from 'zod';
import type { Core } from '../core.ts';
import { emitEvent, previousAttributes } from '../domain/events.ts';
import { resolver } from '../domain/expansion.ts';
import { matchesSearch, parseSearchQuery } from '../domain/search-query.ts';
import { buildCustomer } from '../objects/customer.ts';
import { newId, newInvoicePrefix } from '../store/ids.ts';
import { expandObject } from '../wire/expand.ts';
import { listOf, pageLimit } from '../wire/list.ts';
import {
  expand,
  inRange,
  int,
  listParams,
  mergeMetadata,
  metadata,
  range,
  str,
} from '../wire/params.ts';
import { respond } from '../wire/respond.ts';
import { retrieve, retrieveRoute } from '../wire/retrieve.ts';
import { idParam, paramsOf, type ApiRouter } from '../wire/route.ts';

const CustomerFields = {
  email: str.optional(),
  name: str.optional(),
  description: str.optional(),
  phone: str.optional(),
  metadata: metadata.optional(),
  expand,
};

const CustomerCreate = z.strictObject(CustomerFields);
const CustomerUpdate = z.strictObject(CustomerFields);
const CustomerList = z.strictObject({
  ...listParams,
  email: str.optional(),
  created: range.optional(),
});
const CustomerSearch = z.strictObject({
  query: str,
  limit: int.optional(),
  page: str.optional(),
  expand,
});

export function customerRoutes(core: Core, router: ApiRouter): void {
  const { store, clock } = core;
  const expandWith = resolver(core);

  router.post('/v1/customers', (ctx) => {
    const p = paramsOf(ctx, CustomerCreate);
    const customer = core.db.transaction(() => {
      const created = store.customers.insert(
        buildCustomer({
          id: newId('cus', 14),
          email: p.email ?? null,
          name: p.name ?? null,
          description: p.description ?? null,
          phone: p.phone ?? null,
          metadata: mergeMetadata({}, p.metadata),
          invoicePrefix: newInvoicePrefix(),
          created: clock.now(),
        }),
        { card: null },
      );
      emitEvent(core, 'customer.created', created);
      return created;
    })();
    respond(ctx, expandObject(customer, p.expand, expandWith));
  });

  router.get('/v1/customers/search', (ctx) => {
    const p = paramsOf(ctx, CustomerSearch);
    const query = parseSearchQuery(p.query);
    const limit = pageLimit(p.limit);
    const offset = p.page ? Number(p.page) || 0 : 0;
    const matches = store.customers
      .all()
      .filter((c) => matchesSearch(c as unknown as Record<string, unknown>, query));
    const data = matches.slice(offset, offset + limit);
    const hasMore = offset + limit < matches.length;
    respond(
      ctx,
      expandObject(
        {
          object: 'search_result',
          data,
          has_more: hasMore,
          next_page: hasMore ? String(offset + limit) : null,
          url: '/v1/customers/search',
        },
        p.expand,
        expandWith,
      ),
    );
  });

  router.get('/v1/customers/:id', retrieveRoute(store.customers, 'customer', expandWith));

  router.post('/v1/customers/:id', (ctx) => {
    const p = paramsOf(ctx, CustomerUpdate);
    const customer = retrieve(store.customers, 'customer', idParam(ctx));
    const updated: Stripe.Customer = {
      ...customer,
      email: p.email ?? customer.email,
      name: p.name ?? customer.name ?? null,
      description: p.description ?? customer.description,
      phone: p.phone ?? customer.phone ?? null,
      metadata: mergeMetadata(customer.metadata, p.metadata),
    };
    core.db.transaction(() => {
      store.customers.update(updated);
      const previous = previousAttributes(customer, updated);
      if (Object.keys(previous).length > 0) emitEvent(core, 'customer.updated', updated, previous);
    })();
    respond(ctx, expandObject(updated, p.expand, expandWith));
  });

  router.get('/v1/customers', (ctx) => {
    const p = paramsOf(ctx, CustomerList);
    const list = listOf('/v1/customers', store.customers, p, {
      where: p.email !== undefined ? { column: 'email', value: p.email } : undefined,
      filter: (c) => inRange(c.created, p.created),
    });
    respond(ctx, expandObject(list, p.expand, expandWith));
  });
}
