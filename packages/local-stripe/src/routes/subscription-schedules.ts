import { z } from 'zod';
import type { Core } from '../core.ts';
import { resolver } from '../domain/expansion.ts';
import {
  cancelSchedule,
  releaseSchedule,
  scheduleFromSubscription,
  updateSchedule,
} from '../domain/schedules.ts';
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
import { ProrationBehaviorParam } from './change-params.ts';

const Timestamp = z.union([z.literal('now'), int]);

const Phase = z.strictObject({
  items: z.array(z.strictObject({ price: str.optional(), quantity: int.optional() })),
  start_date: Timestamp.optional(),
  end_date: Timestamp.optional(),
  duration: z
    .strictObject({
      interval: z.enum(['day', 'week', 'month', 'year']),
      interval_count: int.optional(),
    })
    .optional(),
  proration_behavior: ProrationBehaviorParam.optional(),
  metadata: z.record(z.string(), z.string()).optional(),
});

const ScheduleCreate = z.strictObject({
  from_subscription: str.optional(),
  customer: str.optional(),
  phases: z.array(Phase).optional(),
  start_date: Timestamp.optional(),
  end_behavior: z.enum(['cancel', 'release']).optional(),
  metadata: metadata.optional(),
  expand,
});

const ScheduleUpdate = z.strictObject({
  phases: z.array(Phase).optional(),
  end_behavior: z.enum(['cancel', 'release']).optional(),
  proration_behavior: ProrationBehaviorParam.optional(),
  metadata: metadata.optional(),
  expand,
});

const ScheduleRelease = z.strictObject({ preserve_cancel_date: bool.optional(), expand });
const ScheduleCancel = z.strictObject({
  invoice_now: bool.optional(),
  prorate: bool.optional(),
  expand,
});

const ScheduleList = z.strictObject({
  ...listParams,
  customer: str.optional(),
  created: range.optional(),
  scheduled: bool.optional(),
});

/** Subscription schedules made from running subscriptions: changes that wait for a date. */
export function subscriptionScheduleRoutes(core: Core, router: ApiRouter): void {
  const { store } = core;
  const expandWith = resolver(core);

  router.post('/v1/subscription_schedules', (ctx) => {
    const p = paramsOf(ctx, ScheduleCreate);
    if (p.from_subscription === undefined) {
      throw invalidRequest(
        'The local Stripe makes schedules from running subscriptions only: pass `from_subscription`.',
        'parameter_missing',
        'from_subscription',
      );
    }
    // A schedule made from a subscription copies it; its phases come with an update.
    const extra = (['customer', 'phases', 'start_date', 'end_behavior'] as const).find(
      (param) => p[param] !== undefined,
    );
    if (extra) {
      throw invalidRequest(
        `You cannot set \`${extra}\` if \`from_subscription\` is set.`,
        undefined,
        extra,
      );
    }
    const subscription = retrieve(
      store.subscriptions,
      'subscription',
      p.from_subscription,
      'from_subscription',
    );
    const schedule = core.db.transaction(() =>
      scheduleFromSubscription(core, subscription, mergeMetadata({}, p.metadata)),
    )();
    respond(ctx, expandObject(schedule, p.expand, expandWith));
  });

  router.get(
    '/v1/subscription_schedules/:id',
    retrieveRoute(store.subscriptionSchedules, 'subscription_schedule', expandWith),
  );

  router.post('/v1/subscription_schedules/:id', (ctx) => {
    const p = paramsOf(ctx, ScheduleUpdate);
    const schedule = retrieve(store.subscriptionSchedules, 'subscription_schedule', idParam(ctx));
    const updated = core.db.transaction(() =>
      updateSchedule(core, schedule, {
        phases: p.phases,
        end_behavior: p.end_behavior,
        proration_behavior: p.proration_behavior,
        metadata:
          p.metadata === undefined ? undefined : mergeMetadata(schedule.metadata ?? {}, p.metadata),
      }),
    )();
    respond(ctx, expandObject(updated, p.expand, expandWith));
  });

  router.post('/v1/subscription_schedules/:id/release', (ctx) => {
    const p = paramsOf(ctx, ScheduleRelease);
    const schedule = retrieve(store.subscriptionSchedules, 'subscription_schedule', idParam(ctx));
    const released = core.db.transaction(() => releaseSchedule(core, schedule))();
    respond(ctx, expandObject(released, p.expand, expandWith));
  });

  router.post('/v1/subscription_schedules/:id/cancel', (ctx) => {
    const p = paramsOf(ctx, ScheduleCancel);
    const schedule = retrieve(store.subscriptionSchedules, 'subscription_schedule', idParam(ctx));
    const canceled = core.db.transaction(() => cancelSchedule(core, schedule))();
    respond(ctx, expandObject(canceled, p.expand, expandWith));
  });

  router.get('/v1/subscription_schedules', (ctx) => {
    const p = paramsOf(ctx, ScheduleList);
    const list = listOf('/v1/subscription_schedules', store.subscriptionSchedules, p, {
      where: p.customer !== undefined ? { column: 'customer', value: p.customer } : undefined,
      filter: (s) =>
        inRange(s.created, p.created) &&
        (p.scheduled === undefined || (s.status === 'not_started') === p.scheduled),
    });
    respond(ctx, expandObject(list, p.expand, expandWith));
  });
}
