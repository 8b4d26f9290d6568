import { z } from 'zod';
import type { Core } from '../core.ts';
import { resolver } from '../domain/expansion.ts';
import {
  cancelSubscription,
  saveSubscription,
  setCancelAtPeriodEnd,
} from '../domain/subscription-changes.ts';
import { invalidRequest } from '../wire/errors.ts';
import { expandObject } from '../wire/expand.ts';
import { listOf } from '../wire/list.ts';
import {
  bool,
  expand,
  inRange,
  listParams,
  mergeMetadata,
  metadata,
  range,
  str,
} from '../wire/params.ts';
import { respond } from '../wire/respond.ts';
import { retrieve, retrieveRoute } from '../wire/retrieve.ts';
import { idParam, paramsOf, type ApiRouter } from '../wire/route.ts';

const feedback = z.enum([
  'customer_service',
  'low_quality',
  'missing_features',
  'other',
  'switched_service',
  'too_complex',
  'too_expensive',
  'unused',
]);

const SubscriptionUpdate = z.strictObject({
  cancel_at_period_end: bool.optional(),
  metadata: metadata.optional(),
  description: str.optional(),
  cancellation_details: z
    .strictObject({ comment: str.optional(), feedback: feedback.optional() })
    .optional(),
  expand,
});

const SubscriptionCancel = z.strictObject({
  invoice_now: bool.optional(),
  prorate: bool.optional(),
  cancellation_details: z
    .strictObject({ comment: str.optional(), feedback: feedback.optional() })
    .optional(),
  expand,
});

const SubscriptionList = z.strictObject({
  ...listParams,
  customer: str.optional(),
  price: str.optional(),
  status: z
    .enum([
      'active',
      'all',
      'canceled',
      'ended',
      'incomplete',
      'incomplete_expired',
      'past_due',
      'paused',
      'trialing',
      'unpaid',
    ])
    .optional(),
  created: range.optional(),
});

export function subscriptionRoutes(core: Core, router: ApiRouter): void {
  const { store } = core;
  const expandWith = resolver(core);

  router.get(
    '/v1/subscriptions/:id',
    retrieveRoute(store.subscriptions, 'subscription', expandWith),
  );

  router.post('/v1/subscriptions/:id', (ctx) => {
    const p = paramsOf(ctx, SubscriptionUpdate);
    const subscription = retrieve(store.subscriptions, 'subscription', idParam(ctx));
    if (subscription.status === 'canceled' && p.cancel_at_period_end !== undefined) {
      throw invalidRequest(
        'A canceled subscription can only update its cancellation_details and metadata.',
        undefined,
        'cancel_at_period_end',
      );
    }
    const updated = core.db.transaction(() => {
      let current = subscription;
      if (
        p.cancel_at_period_end !== undefined &&
        p.cancel_at_period_end !== current.cancel_at_period_end
      ) {
        current = setCancelAtPeriodEnd(core, current, p.cancel_at_period_end);
      }
      return saveSubscription(core, current, {
        ...current,
        description: p.description ?? current.description,
        metadata: mergeMetadata(current.metadata, p.metadata),
        cancellation_details: p.cancellation_details
          ? {
              comment:
                p.cancellation_details.comment ?? current.cancellation_details?.comment ?? null,
              feedback:
                p.cancellation_details.feedback ?? current.cancellation_details?.feedback ?? null,
              feedback_option: null,
              reason: current.cancellation_details?.reason ?? null,
            }
          : current.cancellation_details,
      });
    })();
    respond(ctx, expandObject(updated, p.expand, expandWith));
  });

  router.del('/v1/subscriptions/:id', (ctx) => {
    const p = paramsOf(ctx, SubscriptionCancel);
    const subscription = retrieve(store.subscriptions, 'subscription', idParam(ctx));
    if (subscription.status === 'canceled') {
      throw invalidRequest(
        `No such subscription: '${subscription.id}'`,
        'resource_missing',
        'id',
        404,
      );
    }
    const canceled = core.db.transaction(() =>
      cancelSubscription(core, subscription, 'cancellation_requested', p.cancellation_details),
    )();
    respond(ctx, expandObject(canceled, p.expand, expandWith));
  });

  router.get('/v1/subscriptions', (ctx) => {
    const p = paramsOf(ctx, SubscriptionList);
    const status = p.status;
    const list = listOf('/v1/subscriptions', store.subscriptions, p, {
      where: p.customer !== undefined ? { column: 'customer', value: p.customer } : undefined,
      filter: (s) =>
        // Without a status, Stripe lists every subscription that has not been canceled.
        (status === undefined
          ? s.status !== 'canceled'
          : status === 'all' ||
            (status === 'ended' ? s.status === 'canceled' : s.status === status)) &&
        (p.price === undefined || s.items.data.some((i) => i.price.id === p.price)) &&
        inRange(s.created, p.created),
    });
    respond(ctx, expandObject(list, p.expand, expandWith));
  });
}
