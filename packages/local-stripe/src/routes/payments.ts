import { z } from 'zod';
import type { Core } from '../core.ts';
import { resolver } from '../domain/expansion.ts';
import { expandObject } from '../wire/expand.ts';
import { listOf } from '../wire/list.ts';
import { expand, inRange, listParams, range, str } from '../wire/params.ts';
import { respond } from '../wire/respond.ts';
import { retrieve, retrieveRoute } from '../wire/retrieve.ts';
import { idParam, paramsOf, type ApiRouter } from '../wire/route.ts';

const InvoiceList = z.strictObject({
  ...listParams,
  customer: str.optional(),
  subscription: str.optional(),
  status: z.enum(['draft', 'open', 'paid', 'uncollectible', 'void']).optional(),
  created: range.optional(),
});

const ByCustomer = z.strictObject({
  ...listParams,
  customer: str.optional(),
  created: range.optional(),
});
const ChargeList = z.strictObject({
  ...listParams,
  customer: str.optional(),
  payment_intent: str.optional(),
  created: range.optional(),
});

/** Read access to what payments left behind: invoices, payment intents and charges. */
export function paymentRoutes(core: Core, router: ApiRouter): void {
  const { store } = core;
  const expandWith = resolver(core);

  router.get('/v1/invoices/:id', retrieveRoute(store.invoices, 'invoice', expandWith));

  router.get('/v1/invoices', (ctx) => {
    const p = paramsOf(ctx, InvoiceList);
    const list = listOf('/v1/invoices', store.invoices, p, {
      where:
        p.subscription !== undefined
          ? { column: 'subscription', value: p.subscription }
          : p.customer !== undefined
            ? { column: 'customer', value: p.customer }
            : undefined,
      filter: (i) =>
        (p.customer === undefined || i.customer === p.customer) &&
        (p.status === undefined || i.status === p.status) &&
        inRange(i.created, p.created),
    });
    respond(ctx, expandObject(list, p.expand, expandWith));
  });

  router.get('/v1/payment_intents/:id', (ctx) => {
    const p = paramsOf(ctx, z.strictObject({ expand, client_secret: str.optional() }));
    const intent = retrieve(store.paymentIntents, 'payment_intent', idParam(ctx), 'intent');
    respond(ctx, expandObject(intent, p.expand, expandWith));
  });

  router.get('/v1/payment_intents', (ctx) => {
    const p = paramsOf(ctx, ByCustomer);
    const list = listOf('/v1/payment_intents', store.paymentIntents, p, {
      where: p.customer !== undefined ? { column: 'customer', value: p.customer } : undefined,
      filter: (i) => inRange(i.created, p.created),
    });
    respond(ctx, expandObject(list, p.expand, expandWith));
  });

  router.get('/v1/charges/:id', retrieveRoute(store.charges, 'charge', expandWith));

  router.get('/v1/charges', (ctx) => {
    const p = paramsOf(ctx, ChargeList);
    const list = listOf('/v1/charges', store.charges, p, {
      where:
        p.payment_intent !== undefined
          ? { column: 'payment_intent', value: p.payment_intent }
          : p.customer !== undefined
            ? { column: 'customer', value: p.customer }
            : undefined,
      filter: (c) =>
        (p.customer === undefined || c.customer === p.customer) && inRange(c.created, p.created),
    });
    respond(ctx, expandObject(list, p.expand, expandWith));
  });
}
