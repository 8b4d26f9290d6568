import Stripe from 'stripe';
import type { Core } from '../core.ts';
import { newId } from '../store/ids.ts';
import { withoutUnrequested } from '../wire/expand.ts';
import { currentRequest } from '../wire/request-context.ts';

type EventObject = { id: string; object: string };

/**
 * Records an event with a snapshot of the object and queues its webhooks. Call inside the write's
 * transaction; delivery starts after it commits.
 */
export function emitEvent(
  core: Core,
  type: Stripe.Event.Type,
  object: EventObject,
  previousAttributes?: Record<string, unknown>,
): Stripe.Event {
  const request = currentRequest();
  const event = {
    id: newId('evt'),
    object: 'event',
    api_version: Stripe.API_VERSION,
    created: core.clock.now(),
    data: {
      // Events carry no includable fields: nothing was asked to expand them.
      object: withoutUnrequested(JSON.parse(JSON.stringify(object)) as EventObject),
      ...(previousAttributes ? { previous_attributes: previousAttributes } : {}),
    },
    livemode: false,
    pending_webhooks: 0,
    request: { id: request?.id ?? null, idempotency_key: request?.idempotencyKey ?? null },
    type,
  } as Stripe.Event;
  core.store.events.insert(event);
  const pending = core.deliverer.enqueue(event);
  if (pending > 0) core.store.events.update({ ...event, pending_webhooks: pending });
  core.deliverer.kick();
  return { ...event, pending_webhooks: pending };
}

/** The values an update replaced, as `data.previous_attributes` shows them. */
export function previousAttributes<T extends object>(before: T, after: T): Record<string, unknown> {
  const previous: Record<string, unknown> = {};
  for (const key of Object.keys(after) as (keyof T & string)[]) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) previous[key] = before[key];
  }
  return previous;
}
