import { z } from 'zod';
import type { Core } from '../core.ts';
import { resolver } from '../domain/expansion.ts';
import { noSuch } from '../wire/errors.ts';
import { expandObject } from '../wire/expand.ts';
import { pageLimit, toList } from '../wire/list.ts';
import { expand, inRange, listParams, range, str } from '../wire/params.ts';
import { respond } from '../wire/respond.ts';
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
const Retrieve = z.strictObject({ expand });

/** Read access to what payments left behind: invoices, payment intents and charges. */
export function paymentRoutes(core: Core, router: ApiRouter): void {
  const { store } = core;
  const expandWith = resolver(core);

  router.get('/v1/invoices/:id', (ctx) => {
    const p = paramsOf(ctx, Retrieve);
    const invoice = store.invoices.get(idParam(ctx));
    if (!invoice) throw noSuch('invoice', idParam(ctx));
    respond(ctx, expandObject(invoice, p.expand, expandWith));
  });

  router.get('/v1/invoices', (ctx) => {
    const p = paramsOf(ctx, InvoiceList);
    const page = store.invoices.page({
      where:
        p.subscription !== undefined
          ? { column: 'subscription', value: p.subscription }
          : p.customer !== undefined
            ? { column: 'customer', value: p.customer }
            : undefined,
      limit: pageLimit(p.limit),
      starting_after: p.starting_after,
      ending_before: p.ending_before,
      filter: (i) =>
        (p.customer === undefined || i.customer === p.customer) &&
        (p.status === undefined || i.status === p.status) &&
        inRange(i.created, p.created),
    });
    respond(ctx, expandObject(toList('/v1/invoices', page), p.expand, expandWith));
  });

  router.get('/v1/payment_intents/:id', (ctx) => {
    const p = paramsOf(ctx, z.strictObject({ expand, client_secret: str.optional() }));
    const intent = store.paymentIntents.get(idParam(ctx));
    if (!intent) throw noSuch('payment_intent', idParam(ctx), 'intent');
    respond(ctx, expandObject(intent, p.expand, expandWith));
  });

  router.get('/v1/payment_intents', (ctx) => {
    const p = paramsOf(ctx, ByCustomer);
    const page = store.paymentIntents.page({
      where: p.customer !== undefined ? { column: 'customer', value: p.customer } : undefined,
      limit: pageLimit(p.limit),
      starting_after: p.starting_after,
      ending_before: p.ending_before,
      filter: (i) => inRange(i.created, p.created),
    });
    respond(ctx, expandObject(toList('/v1/payment_intents', page), p.expand, expandWith));
  });

  router.get('/v1/charges/:id', (ctx) => {
    const p = paramsOf(ctx, Retrieve);
    const charge = store.charges.get(idParam(ctx));
    if (!charge) throw noSuch('charge', idParam(ctx));
    respond(ctx, expandObject(charge, p.expand, expandWith));
  });

  router.get('/v1/charges', (ctx) => {
    const p = paramsOf(ctx, ChargeList);
    const page = store.charges.page({
      where:
        p.payment_intent !== undefined
          ? { column: 'payment_intent', value: p.payment_intent }
          : p.customer !== undefined
            ? { column: 'customer', value: p.customer }
            : undefined,
      limit: pageLimit(p.limit),
      starting_after: p.starting_after,
      ending_before: p.ending_before,
      filter: (c) =>
        (p.customer === undefined || c.customer === p.customer) && inRange(c.created, p.created),
    });
    respond(ctx, expandObject(toList('/v1/charges', page), p.expand, expandWith));
  });
}
