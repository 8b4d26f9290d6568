import { z } from 'zod';
import type { Core } from '../core.ts';
import { resolver } from '../domain/expansion.ts';
import { refundCharge } from '../domain/refunds.ts';
import { invalidRequest } from '../wire/errors.ts';
import { expandObject } from '../wire/expand.ts';
import { listOf } from '../wire/list.ts';
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
import { retrieveRoute } from '../wire/retrieve.ts';
import { paramsOf, type ApiRouter } from '../wire/route.ts';

const RefundCreate = z.strictObject({
  charge: str.optional(),
  payment_intent: str.optional(),
  amount: int.optional(),
  reason: z.enum(['duplicate', 'fraudulent', 'requested_by_customer']).optional(),
  metadata: metadata.optional(),
  expand,
});

const RefundList = z.strictObject({
  ...listParams,
  charge: str.optional(),
  payment_intent: str.optional(),
  created: range.optional(),
});

export function refundRoutes(core: Core, router: ApiRouter): void {
  const { store } = core;
  const expandWith = resolver(core);

  router.post('/v1/refunds', (ctx) => {
    const p = paramsOf(ctx, RefundCreate);
    if (p.charge === undefined && p.payment_intent === undefined) {
      throw invalidRequest(
        'One of the following params should be provided for this request: payment_intent or charge.',
        'parameter_missing',
      );
    }
    let chargeId = p.charge;
    if (p.payment_intent !== undefined) {
      const intent = store.paymentIntents.get(p.payment_intent);
      if (!intent) {
        throw invalidRequest(
          `No such payment_intent: '${p.payment_intent}'`,
          'resource_missing',
          'payment_intent',
        );
      }
      if (intent.status !== 'succeeded' || typeof intent.latest_charge !== 'string') {
        throw invalidRequest(
          `This PaymentIntent (${intent.id}) does not have a successful charge to refund.`,
          'charge_not_refundable',
          'payment_intent',
        );
      }
      chargeId = intent.latest_charge;
    }
    const charge = store.charges.get(chargeId!);
    if (!charge)
      throw invalidRequest(`No such charge: '${chargeId}'`, 'resource_missing', 'charge');
    const refund = core.db.transaction(() =>
      refundCharge(core, charge, {
        amount: p.amount,
        reason: p.reason,
        metadata: mergeMetadata({}, p.metadata),
      }),
    )();
    respond(ctx, expandObject(refund, p.expand, expandWith));
  });

  router.get('/v1/refunds/:id', retrieveRoute(store.refunds, 'refund', expandWith));

  router.get('/v1/refunds', (ctx) => {
    const p = paramsOf(ctx, RefundList);
    const list = listOf('/v1/refunds', store.refunds, p, {
      where: p.charge !== undefined ? { column: 'charge', value: p.charge } : undefined,
      filter: (r) =>
        (p.payment_intent === undefined || r.payment_intent === p.payment_intent) &&
        inRange(r.created, p.created),
    });
    respond(ctx, expandObject(list, p.expand, expandWith));
  });

  router.get('/v1/disputes/:id', retrieveRoute(store.disputes, 'dispute', expandWith));
}
