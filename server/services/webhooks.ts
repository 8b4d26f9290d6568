import type Stripe from 'stripe';
import { AppError } from '../errors.ts';
import { nowSeconds, type Storage } from '../storage/index.ts';
import { isHandled } from '../stripe/handled-events.ts';
import { eventHandlers, type EventHandlers } from './event-handlers.ts';
import { inPinnedVersion } from './event-objects.ts';
import type { Fulfilment } from './fulfilment.ts';
import { PaymentEffects, type EventEffect } from './payment-effects.ts';
import { payloadProblem } from './webhook-payloads.ts';

/** Stripe's own default: a signature older than five minutes may be a replay. */
const SIGNATURE_TOLERANCE_SECONDS = 300;

export type WebhookOutcome = 'processed' | 'duplicate' | 'ignored';

/**
 * Verifies, dedupes and dispatches: each event of a handled type goes to its handler (see
 * event-handlers.ts), in the pinned API version, and its effect is applied exactly once. The
 * event id is recorded in the same transaction as the effect (a unique key: a twin on another
 * instance waits for it, then finds the id taken), so a duplicate (sequential
 * or concurrent) changes nothing and a failure leaves nothing behind for Stripe's retry to trip
 * over.
 */
export class WebhookProcessor {
  readonly #handlers: EventHandlers;

  constructor(
    private readonly deps: {
      stripe: Stripe;
      storage: Storage;
      fulfilment: Fulfilment;
      /** Several secrets are accepted while one is rotated out. */
      secrets: readonly string[];
    },
  ) {
    const { stripe, storage, fulfilment } = deps;
    this.#handlers = eventHandlers({
      fulfilment,
      payments: new PaymentEffects({ stripe, storage }),
    });
  }

  /** The event types it acts on. */
  get handledTypes(): string[] {
    return Object.keys(this.#handlers);
  }

  verify(rawBody: Buffer, signature: string | undefined): Stripe.Event {
    if (!signature) throw new AppError('signature_missing');
    for (const secret of this.deps.secrets) {
      let event: Stripe.Event;
      try {
        event = this.deps.stripe.webhooks.constructEvent(
          rawBody,
          signature,
          secret,
          SIGNATURE_TOLERANCE_SECONDS,
        );
      } catch {
        continue; // Try the next secret; the error below speaks for all of them.
      }
      // A signed body that is no event can never be applied: a 500 would only be retried for days.
      if (!isEventEnvelope(event)) throw new AppError('event_malformed');
      const problem = payloadProblem(event);
      if (problem) throw new AppError('event_malformed', problem);
      return event;
    }
    throw new AppError('signature_invalid');
  }

  async process(event: Stripe.Event): Promise<WebhookOutcome> {
    const { storage } = this.deps;
    if (await storage.events.seen(event.id)) return 'duplicate';
    const effect = await this.#dispatch(event);
    return storage.transaction(async (tx): Promise<WebhookOutcome> => {
      const now = nowSeconds();
      if (!(await tx.events.record(event, now))) return 'duplicate';
      if (!effect) return 'ignored';
      await effect(now, tx);
      return 'processed';
    });
  }

  async #dispatch(event: Stripe.Event): Promise<EventEffect | null> {
    if (!isHandled(event.type)) return null;
    const handler = this.#handlers[event.type] as (
      event: Stripe.Event,
    ) => Promise<EventEffect | null>;
    return handler(await inPinnedVersion(this.deps.stripe, event));
  }
}

function isEventEnvelope(value: unknown): value is Stripe.Event {
  const event = value as Partial<Record<'id' | 'type' | 'created' | 'data', unknown>> | null;
  const data = event?.data as { object?: unknown } | null | undefined;
  return (
    typeof event === 'object' &&
    event !== null &&
    typeof event.id === 'string' &&
    event.id !== '' &&
    typeof event.type === 'string' &&
    Number.isInteger(event.created) &&
    typeof data === 'object' &&
    data !== null &&
    typeof data.object === 'object' &&
    data.object !== null &&
    !Array.isArray(data.object)
  );
}
