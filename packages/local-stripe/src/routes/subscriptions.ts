import { z } from 'zod';
import type { Core } from '../core.ts';
import { resolver } from '../domain/expansion.ts';
import { pauseSubscription, resumeSubscription } from '../domain/pauses.ts';
import { applyChange, changesBilling, type ChangeRequest } from '../domain/plan-changes.ts';
import { createFromApi } from '../domain/subscription-create.ts';
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
import { ItemChangeParam, ProrationBehaviorParam, TrialEndParam } from './change-params.ts';

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

/** `pause_collection=` (empty) resumes collection. */
const PauseCollection = z.union([
  z.literal(''),
  z.strictObject({
    behavior: z.enum(['keep_as_draft', 'mark_uncollectible', 'void']),
    resumes_at: int.optional(),
  }),
]);

const PaymentBehaviorParam = z.enum([
  'allow_incomplete',
  'default_incomplete',
  'error_if_incomplete',
  'pending_if_incomplete',
]);

const TrialSettingsParam = z.strictObject({
  end_behavior: z.strictObject({
    missing_payment_method: z.enum(['cancel', 'create_invoice', 'pause']),
  }),
});

const SubscriptionCreate = z.strictObject({
  customer: str.optional(),
  items: z.array(z.strictObject({ price: str.optional(), quantity: int.optional() })).optional(),
  trial_end: TrialEndParam.optional(),
  trial_period_days: int.optional(),
  trial_settings: TrialSettingsParam.optional(),
  default_payment_method: str.optional(),
  payment_behavior: PaymentBehaviorParam.optional(),
  off_session: bool.optional(),
  metadata: metadata.optional(),
  description: str.optional(),
  expand,
});

const SubscriptionUpdate = z.strictObject({
  items: z.array(ItemChangeParam).optional(),
  proration_behavior: ProrationBehaviorParam.optional(),
  proration_date: int.optional(),
  payment_behavior: PaymentBehaviorParam.optional(),
  // In this API version an object (`billing_cycle_anchor[type]=now`), as on resume.
  billing_cycle_anchor: z.strictObject({ type: z.enum(['now', 'unchanged']) }).optional(),
  trial_end: TrialEndParam.optional(),
  trial_settings: TrialSettingsParam.optional(),
  off_session: bool.optional(),
  cancel_at_period_end: bool.optional(),
  pause_collection: PauseCollection.optional(),
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

// Credits for unused time (`bill_for`, `invoicing_behavior`) are accepted and not modelled.
const SubscriptionPause = z.strictObject({
  type: z.enum(['subscription']).optional(),
  invoicing_behavior: z.enum(['invoice', 'pending_invoice_item']).optional(),
  bill_for: z
    .strictObject({
      outstanding_usage_through: z.strictObject({ type: z.enum(['none', 'now']) }).optional(),
      unused_time_from: z
        .strictObject({ type: z.enum(['item_current_period_start', 'none', 'now']) })
        .optional(),
    })
    .optional(),
  expand,
});

// In this API version `billing_cycle_anchor` is an object, `billing_cycle_anchor[type]=now`, where
// older versions took the bare string (stripe-node's SubscriptionResumeParams.BillingCycleAnchor).
const SubscriptionResume = z.strictObject({
  billing_cycle_anchor: z.strictObject({ type: z.enum(['now', 'unchanged']) }).optional(),
  payment_behavior: z.enum(['resume_on_payment_attempt', 'resume_on_payment_success']).optional(),
  proration_behavior: z.enum(['always_invoice', 'create_prorations', 'none']).optional(),
  proration_date: int.optional(),
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
    const locked = (
      [
        'cancel_at_period_end',
        'pause_collection',
        'items',
        'trial_end',
        'billing_cycle_anchor',
      ] as const
    ).find((param) => p[param] !== undefined);
    if (subscription.status === 'canceled' && locked) {
      throw invalidRequest(
        'A canceled subscription can only update its cancellation_details and metadata.',
        undefined,
        locked,
      );
    }
    const change: ChangeRequest = {
      items: p.items,
      prorationBehavior: p.proration_behavior,
      prorationDate: p.proration_date,
      billingCycleAnchor: p.billing_cycle_anchor?.type,
      trialEnd: p.trial_end,
    };
    const updated = core.db.transaction(() => {
      let current = subscription;
      if (changesBilling(change)) {
        current = applyChange(core, current, change, p.payment_behavior ?? 'allow_incomplete');
      }
      if (
        p.cancel_at_period_end !== undefined &&
        p.cancel_at_period_end !== current.cancel_at_period_end
      ) {
        current = setCancelAtPeriodEnd(core, current, p.cancel_at_period_end);
      }
      return saveSubscription(core, current, {
        ...current,
        trial_settings: p.trial_settings
          ? {
              end_behavior: {
                billing_cycle_anchor: 'unchanged',
                missing_payment_method: p.trial_settings.end_behavior.missing_payment_method,
              },
            }
          : current.trial_settings,
        description: p.description ?? current.description,
        metadata: mergeMetadata(current.metadata, p.metadata),
        pause_collection:
          p.pause_collection === undefined
            ? current.pause_collection
            : p.pause_collection === ''
              ? null
              : {
                  behavior: p.pause_collection.behavior,
                  resumes_at: p.pause_collection.resumes_at ?? null,
                },
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

  router.post('/v1/subscriptions', (ctx) => {
    const p = paramsOf(ctx, SubscriptionCreate);
    const created = core.db.transaction(() =>
      createFromApi(core, {
        customer: p.customer,
        items: p.items,
        trialEnd: p.trial_end,
        trialPeriodDays: p.trial_period_days,
        missingPaymentMethod: p.trial_settings?.end_behavior.missing_payment_method,
        defaultPaymentMethod: p.default_payment_method,
        paymentBehavior: p.payment_behavior ?? 'allow_incomplete',
        metadata: mergeMetadata({}, p.metadata),
        description: p.description ?? null,
      }),
    )();
    respond(ctx, expandObject(created, p.expand, expandWith));
  });

  router.post('/v1/subscriptions/:id/pause', (ctx) => {
    const p = paramsOf(ctx, SubscriptionPause);
    const subscription = retrieve(store.subscriptions, 'subscription', idParam(ctx));
    const paused = core.db.transaction(() =>
      pauseSubscription(core, subscription, 'pause_requested'),
    )();
    respond(ctx, expandObject(paused, p.expand, expandWith));
  });

  router.post('/v1/subscriptions/:id/resume', (ctx) => {
    const p = paramsOf(ctx, SubscriptionResume);
    const subscription = retrieve(store.subscriptions, 'subscription', idParam(ctx));
    const resumed = core.db.transaction(() =>
      resumeSubscription(core, subscription, {
        billingCycleAnchor: p.billing_cycle_anchor?.type ?? 'now',
        paymentBehavior: p.payment_behavior ?? 'resume_on_payment_attempt',
      }),
    )();
    respond(ctx, expandObject(resumed, p.expand, expandWith));
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
