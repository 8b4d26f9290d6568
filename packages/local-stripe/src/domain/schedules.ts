import type Stripe from 'stripe';
import type { Core } from '../core.ts';
import { buildPhase, buildSchedule } from '../objects/subscription-schedule.ts';
import { itemOf } from '../objects/subscription.ts';
import type { Interval } from '../objects/catalog.ts';
import { newId } from '../store/ids.ts';
import { invalidRequest } from '../wire/errors.ts';
import { emitEvent, previousAttributes } from './events.ts';
import { addInterval } from './periods.ts';
import { applyChange, type ProrationBehavior } from './plan-changes.ts';
import { cancelSubscription, saveSubscription } from './subscription-changes.ts';
import type { DueWork } from './tick.ts';

export interface PhaseRequest {
  items: { price?: string | undefined; quantity?: number | undefined }[];
  start_date?: number | 'now' | undefined;
  end_date?: number | 'now' | undefined;
  duration?: { interval: Interval; interval_count?: number | undefined } | undefined;
  proration_behavior?: ProrationBehavior | undefined;
  metadata?: Record<string, string> | undefined;
}

export interface ScheduleUpdate {
  phases?: PhaseRequest[] | undefined;
  end_behavior?: 'cancel' | 'release' | undefined;
  proration_behavior?: ProrationBehavior | undefined;
  metadata?: Record<string, string> | undefined;
}

function subscriptionOf(core: Core, schedule: Stripe.SubscriptionSchedule): Stripe.Subscription {
  const id =
    typeof schedule.subscription === 'string' ? schedule.subscription : schedule.subscription!.id;
  return core.store.subscriptions.get(id)!;
}

function saveSchedule(
  core: Core,
  before: Stripe.SubscriptionSchedule,
  after: Stripe.SubscriptionSchedule,
  type: Stripe.Event.Type,
): Stripe.SubscriptionSchedule {
  core.store.subscriptionSchedules.update(after);
  emitEvent(
    core,
    type,
    after,
    type === 'subscription_schedule.updated' ? previousAttributes(before, after) : undefined,
  );
  return after;
}

/**
 * `from_subscription`: a schedule takes over a running subscription, its one phase the current
 * period at the current price, ending with `release` (the subscription carries on). The
 * subscription names it in `schedule`. Call inside a transaction.
 */
export function scheduleFromSubscription(
  core: Core,
  subscription: Stripe.Subscription,
  metadata: Record<string, string>,
): Stripe.SubscriptionSchedule {
  if (subscription.schedule) {
    const id =
      typeof subscription.schedule === 'string' ? subscription.schedule : subscription.schedule.id;
    throw invalidRequest(
      `You cannot migrate a subscription that is already attached to a schedule: \`${id}\`.`,
      undefined,
      'from_subscription',
    );
  }
  if (subscription.status === 'canceled' || subscription.status === 'incomplete_expired') {
    throw invalidRequest(
      `A schedule cannot be created from a ${subscription.status} subscription.`,
      undefined,
      'from_subscription',
    );
  }
  const item = itemOf(subscription);
  const schedule = core.store.subscriptionSchedules.insert(
    buildSchedule({
      id: newId('sub_sched'),
      subscription,
      metadata,
      created: core.clock.now(),
      phases: [
        buildPhase({
          start: item.current_period_start,
          end: item.current_period_end,
          price: item.price,
          quantity: item.quantity ?? 1,
          prorationBehavior: 'create_prorations',
          metadata: {},
        }),
      ],
    }),
  );
  emitEvent(core, 'subscription_schedule.created', schedule);
  saveSubscription(core, subscription, { ...subscription, schedule: schedule.id });
  return schedule;
}

function requireChangeable(schedule: Stripe.SubscriptionSchedule): void {
  if (schedule.status !== 'active' && schedule.status !== 'not_started') {
    throw invalidRequest(
      `You cannot update a subscription schedule that is currently in the \`${schedule.status}\` status. It must be in one of the following statuses: \`active\`, \`not_started\`.`,
    );
  }
}

function phasePrice(
  core: Core,
  id: string | undefined,
  param: string,
  currency: string,
): Stripe.Price {
  if (id === undefined)
    throw invalidRequest(`Missing required param: ${param}.`, 'parameter_missing', param);
  const price = core.store.prices.get(id);
  if (!price) throw invalidRequest(`No such price: '${id}'`, 'resource_missing', param);
  if (!price.recurring) {
    throw invalidRequest(
      'The price specified is set to `type=one_time` but this field only accepts prices with `type=recurring`.',
      undefined,
      param,
    );
  }
  if (price.currency !== currency) {
    throw invalidRequest(
      `The price specified uses currency \`${price.currency}\`, but the schedule uses \`${currency}\`.`,
      undefined,
      param,
    );
  }
  return price;
}

/**
 * The phases as given, back to back: each starts where the one before ends, and ends at its
 * `end_date`, after its `duration`, or (the last one) one billing interval of its price later.
 * The first keeps the current phase's start: "past phases can be omitted", but the running one
 * cannot move (SubscriptionScheduleUpdateParams.phases in the SDK's types).
 */
function resolvePhases(
  core: Core,
  schedule: Stripe.SubscriptionSchedule,
  requests: PhaseRequest[],
): Stripe.SubscriptionSchedule.Phase[] {
  const now = core.clock.now();
  const currency = schedule.phases[0]!.currency;
  let start = schedule.current_phase?.start_date ?? now;
  return requests.map((request, index) => {
    const param = `phases[${index}]`;
    const asked = request.start_date === 'now' ? now : request.start_date;
    if (index === 0 && asked !== undefined && asked !== start) {
      throw invalidRequest(
        'You can not modify the start date of the current phase.',
        undefined,
        `${param}[start_date]`,
      );
    }
    if (index > 0 && asked !== undefined && asked !== start) {
      throw invalidRequest(
        `The start date of ${param} must be the end date of the phase before it.`,
        undefined,
        `${param}[start_date]`,
      );
    }
    if (request.items.length !== 1) {
      throw invalidRequest(
        'The local Stripe sells one price per subscription: give each phase exactly one item.',
        undefined,
        `${param}[items]`,
      );
    }
    const price = phasePrice(core, request.items[0]!.price, `${param}[items][0][price]`, currency);
    const last = index === requests.length - 1;
    let end: number;
    if (request.end_date !== undefined && request.duration !== undefined) {
      throw invalidRequest(
        'You may only specify one of these parameters: duration, end_date.',
        undefined,
        `${param}[duration]`,
      );
    }
    if (request.end_date !== undefined) end = request.end_date === 'now' ? now : request.end_date;
    else if (request.duration)
      end = addInterval(start, request.duration.interval, request.duration.interval_count ?? 1);
    else if (last)
      end = addInterval(start, price.recurring!.interval, price.recurring!.interval_count);
    else
      throw invalidRequest(
        `Missing required param: ${param}[end_date].`,
        'parameter_missing',
        `${param}[end_date]`,
      );
    if (end <= start) {
      throw invalidRequest(
        `The end date of ${param} must be after its start date.`,
        undefined,
        `${param}[end_date]`,
      );
    }
    const phase = buildPhase({
      start,
      end,
      price,
      quantity: request.items[0]!.quantity ?? 1,
      prorationBehavior: request.proration_behavior ?? 'create_prorations',
      metadata: request.metadata ?? {},
    });
    start = end;
    return phase;
  });
}

function phaseAt(phases: Stripe.SubscriptionSchedule.Phase[], time: number) {
  return phases.find((phase) => phase.start_date <= time && time < phase.end_date) ?? null;
}

/** Moves the subscription onto the phase's price if it is not there yet. */
function enterPhase(
  core: Core,
  schedule: Stripe.SubscriptionSchedule,
  phase: Stripe.SubscriptionSchedule.Phase,
  prorationBehavior: ProrationBehavior,
): void {
  const subscription = subscriptionOf(core, schedule);
  const item = itemOf(subscription);
  const target = phase.items[0]!;
  const price = typeof target.price === 'string' ? target.price : target.price.id;
  const quantity = target.quantity ?? 1;
  let current = subscription;
  if (price !== item.price.id || quantity !== (item.quantity ?? 1)) {
    current = applyChange(
      core,
      subscription,
      { items: [{ id: item.id, price, quantity }], prorationBehavior },
      'allow_incomplete',
    );
  }
  // "Metadata on a schedule's phase will update the underlying subscription's metadata when the
  // phase is entered" (SubscriptionSchedule.Phase.metadata in the SDK's types).
  if (phase.metadata && Object.keys(phase.metadata).length > 0) {
    saveSubscription(core, current, {
      ...current,
      metadata: { ...current.metadata, ...phase.metadata },
    });
  }
}

/**
 * Replaces the phases from the current one on, with subscription_schedule.updated. A current
 * phase at another price changes the subscription now, prorated per `proration_behavior`.
 * Call inside a transaction.
 */
export function updateSchedule(
  core: Core,
  schedule: Stripe.SubscriptionSchedule,
  update: ScheduleUpdate,
): Stripe.SubscriptionSchedule {
  requireChangeable(schedule);
  const phases = update.phases ? resolvePhases(core, schedule, update.phases) : schedule.phases;
  const current = phaseAt(phases, core.clock.now());
  const updated: Stripe.SubscriptionSchedule = {
    ...schedule,
    phases,
    current_phase: current ? { start_date: current.start_date, end_date: current.end_date } : null,
    end_behavior: update.end_behavior ?? schedule.end_behavior,
    metadata: update.metadata ?? schedule.metadata,
  };
  const saved = saveSchedule(core, schedule, updated, 'subscription_schedule.updated');
  if (current) enterPhase(core, saved, current, update.proration_behavior ?? 'create_prorations');
  return saved;
}

/**
 * "Releases the subscription schedule immediately, which will stop scheduling of its phases, but
 * leave any existing subscription in place" (the SDK's `release`). Call inside a transaction.
 */
export function releaseSchedule(
  core: Core,
  schedule: Stripe.SubscriptionSchedule,
): Stripe.SubscriptionSchedule {
  requireChangeable(schedule);
  const subscription = subscriptionOf(core, schedule);
  const released = saveSchedule(
    core,
    schedule,
    {
      ...schedule,
      current_phase: null,
      released_at: core.clock.now(),
      released_subscription: subscription.id,
      status: 'released',
      subscription: null,
    },
    'subscription_schedule.released',
  );
  saveSubscription(core, subscription, { ...subscription, schedule: null });
  return released;
}

/** Cancels the schedule and its subscription at once. Call inside a transaction. */
export function cancelSchedule(
  core: Core,
  schedule: Stripe.SubscriptionSchedule,
): Stripe.SubscriptionSchedule {
  requireChangeable(schedule);
  const canceled = saveSchedule(
    core,
    schedule,
    { ...schedule, canceled_at: core.clock.now(), current_phase: null, status: 'canceled' },
    'subscription_schedule.canceled',
  );
  cancelSubscription(core, subscriptionOf(core, schedule), 'cancellation_requested');
  return canceled;
}

/**
 * When the current phase ends the next one begins (subscription_schedule.updated, and the
 * subscription moves to its price); after the last one the schedule completes: "A subscription
 * schedule is completed after the last phase is finished. When this happens, the subscription is
 * released from the schedule", or canceled with `end_behavior: cancel`
 * (docs.stripe.com/billing/subscriptions/subscription-schedules).
 */
export function scheduleWork(core: Core): DueWork[] {
  return core.store.subscriptionSchedules
    .findBy('status', 'active')
    .filter((schedule) => schedule.current_phase !== null)
    .map((schedule) => ({
      at: schedule.current_phase!.end_date,
      run: () => advance(core, schedule),
    }));
}

function advance(core: Core, schedule: Stripe.SubscriptionSchedule): void {
  const now = core.clock.now();
  const subscription = subscriptionOf(core, schedule);
  const next = phaseAt(schedule.phases, now);
  if (subscription.status === 'canceled') {
    core.store.subscriptionSchedules.update({
      ...schedule,
      current_phase: null,
      status: 'canceled',
      canceled_at: now,
    });
    return;
  }
  if (next) {
    const moved = saveSchedule(
      core,
      schedule,
      { ...schedule, current_phase: { start_date: next.start_date, end_date: next.end_date } },
      'subscription_schedule.updated',
    );
    enterPhase(core, moved, next, next.proration_behavior as ProrationBehavior);
    return;
  }
  saveSchedule(
    core,
    schedule,
    {
      ...schedule,
      completed_at: now,
      current_phase: null,
      status: 'completed',
      ...(schedule.end_behavior === 'cancel'
        ? {}
        : { released_at: now, released_subscription: subscription.id, subscription: null }),
    },
    'subscription_schedule.completed',
  );
  if (schedule.end_behavior === 'cancel') {
    cancelSubscription(core, subscription, 'cancellation_requested');
  } else {
    saveSubscription(core, subscription, { ...subscription, schedule: null });
  }
}
