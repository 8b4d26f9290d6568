import { z } from 'zod';
import type { Core } from '../core.ts';
import { resolver } from '../domain/expansion.ts';
import { previewInvoice } from '../domain/invoice-preview.ts';
import { expandObject } from '../wire/expand.ts';
import { listOf } from '../wire/list.ts';
import { bool, expand, inRange, int, listParams, range, str } from '../wire/params.ts';
import { respond } from '../wire/respond.ts';
import { ItemChangeParam, ProrationBehaviorParam, TrialEndParam } from './change-params.ts';
import { retrieveRoute } from '../wire/retrieve.ts';
import { paramsOf, type ApiRouter } from '../wire/route.ts';

const CreatePreview = z.strictObject({
  customer: str.optional(),
  subscription: str.optional(),
  subscription_details: z
    .strictObject({
      items: z.array(ItemChangeParam).optional(),
      proration_behavior: ProrationBehaviorParam.optional(),
      proration_date: int.optional(),
      billing_cycle_anchor: z.strictObject({ type: z.enum(['now', 'unchanged']) }).optional(),
      trial_end: TrialEndParam.optional(),
    })
    .optional(),
  preview_mode: z.enum(['next', 'recurring']).optional(),
  expand,
});

const InvoiceItemList = z.strictObject({
  ...listParams,
  customer: str.optional(),
  invoice: str.optional(),
  pending: bool.optional(),
  created: range.optional(),
});

/** Invoice previews and the invoice items (prorations) waiting for an invoice. */
export function invoiceRoutes(core: Core, router: ApiRouter): void {
  const { store } = core;
  const expandWith = resolver(core);

  router.post('/v1/invoices/create_preview', (ctx) => {
    const p = paramsOf(ctx, CreatePreview);
    const details = p.subscription_details;
    const preview = previewInvoice(core, {
      customer: p.customer,
      subscription: p.subscription,
      change: {
        items: details?.items,
        prorationBehavior: details?.proration_behavior,
        prorationDate: details?.proration_date,
        billingCycleAnchor: details?.billing_cycle_anchor?.type,
        trialEnd: details?.trial_end,
      },
    });
    respond(ctx, expandObject(preview, p.expand, expandWith));
  });

  router.get('/v1/invoiceitems/:id', retrieveRoute(store.invoiceItems, 'invoiceitem', expandWith));

  router.get('/v1/invoiceitems', (ctx) => {
    const p = paramsOf(ctx, InvoiceItemList);
    const list = listOf('/v1/invoiceitems', store.invoiceItems, p, {
      where: p.customer !== undefined ? { column: 'customer', value: p.customer } : undefined,
      filter: (item) =>
        (p.invoice === undefined || item.invoice === p.invoice) &&
        (p.pending === undefined || (item.invoice === null) === p.pending) &&
        inRange(item.date, p.created),
    });
    respond(ctx, expandObject(list, p.expand, expandWith));
  });
}
