import type Stripe from 'stripe';
import { newId } from '../store/ids.ts';
import type { Delivery, Store } from '../store/store.ts';
import { ACCOUNT_API_VERSION, eventInVersion } from '../wire/versions.ts';
import { signatureHeader } from './signature.ts';

export interface DelivererOptions {
  /** Waits between attempts in milliseconds; after the last one the delivery is given up. */
  backoffMs: number[];
  /** How long a receiver may take to answer. */
  timeoutMs: number;
  log: (line: string) => void;
}

export interface DeliveryReport {
  id: string;
  event_id: string;
  event_type: string;
  endpoint_url: string;
  status: Delivery['status'];
  attempts: number;
  last_status: number | null;
  last_error: string | null;
}

export const DEFAULT_BACKOFF_MS = [500, 1000, 2000, 4000, 8000];

/**
 * Sends events to webhook endpoints in the order they happened, one endpoint's deliveries one at a
 * time, retrying non-2xx answers and timeouts with a short, bounded backoff. While webhooks are
 * held, new deliveries wait until the control API releases them.
 */
export class Deliverer {
  readonly #store: Store;
  readonly #options: DelivererOptions;
  #held = false;
  #running: Promise<void> | null = null;
  #again = false;
  #timer: NodeJS.Timeout | null = null;
  #closed = false;

  constructor(store: Store, options: DelivererOptions) {
    this.#store = store;
    this.#options = options;
  }

  get held(): boolean {
    return this.#held;
  }

  hold(on: boolean): void {
    this.#held = on;
    if (!on) this.kick();
  }

  /** Queues one delivery of the event per endpoint that listens for its type. */
  enqueue(event: Stripe.Event): number {
    let count = 0;
    for (const endpoint of this.#store.webhookEndpoints.all().reverse()) {
      if (endpoint.status !== 'enabled') continue;
      const events = endpoint.enabled_events;
      if (!events.includes('*') && !events.includes(event.type)) continue;
      this.#store.deliveries.insert({
        id: newId('whdel'),
        event_id: event.id,
        endpoint_id: endpoint.id,
        status: this.#held ? 'held' : 'pending',
        attempts: 0,
        next_attempt_at: Date.now(),
        last_status: null,
        last_error: null,
      });
      count += 1;
    }
    return count;
  }

  /** Starts sending due deliveries once the current synchronous work (and its transaction) ends. */
  kick(): void {
    if (this.#closed) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.#drain())
      .finally(() => {
        this.#running = null;
        if (this.#again) {
          this.#again = false;
          this.kick();
        }
      });
  }

  /**
   * Sends every held or pending delivery now, once each (twice with `duplicate`), in a random
   * order with `shuffle`. Returns how many requests were sent.
   */
  async deliverPending(options: { shuffle?: boolean; duplicate?: boolean }): Promise<number> {
    const waiting = [
      ...this.#store.deliveries.findBy('status', 'held'),
      ...this.#store.deliveries.findBy('status', 'pending'),
    ].sort((a, b) => a.next_attempt_at - b.next_attempt_at || (a.id < b.id ? -1 : 1));
    const ordered = this.#inEventOrder(waiting);
    const sends = options.duplicate ? ordered.flatMap((d) => [d, d]) : ordered;
    if (options.shuffle) shuffle(sends);
    for (const delivery of sends) await this.#attempt(delivery, true);
    return sends.length;
  }

  list(): DeliveryReport[] {
    return this.#store.deliveries
      .all()
      .reverse()
      .map((d) => {
        const event = this.#store.events.get(d.event_id);
        const endpoint = this.#store.webhookEndpoints.get(d.endpoint_id);
        return {
          id: d.id,
          event_id: d.event_id,
          event_type: event?.type ?? 'unknown',
          endpoint_url: endpoint?.url ?? 'unknown',
          status: d.status,
          attempts: d.attempts,
          last_status: d.last_status,
          last_error: d.last_error,
        };
      });
  }

  /** Resolves when nothing is due any more (retries scheduled later do not count). */
  async idle(): Promise<void> {
    while (this.#running) await this.#running;
  }

  close(): void {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
  }

  async #drain(): Promise<void> {
    for (;;) {
      if (this.#closed) return;
      const pending = this.#inEventOrder(this.#store.deliveries.findBy('status', 'pending'));
      const now = Date.now();
      const due = pending.filter((d) => d.next_attempt_at <= now);
      // Keep an endpoint's order: a delivery waiting to be retried blocks the ones behind it.
      const blocked = new Set<string>();
      const batch: Delivery[] = [];
      for (const delivery of pending) {
        if (blocked.has(delivery.endpoint_id)) continue;
        blocked.add(delivery.endpoint_id);
        if (due.includes(delivery)) batch.push(delivery);
      }
      if (batch.length === 0) {
        this.#schedule(pending);
        return;
      }
      await Promise.all(batch.map((d) => this.#attempt(d, false)));
    }
  }

  #schedule(pending: Delivery[]): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    if (pending.length === 0 || this.#closed) return;
    const next = Math.min(...pending.map((d) => d.next_attempt_at));
    this.#timer = setTimeout(() => this.kick(), Math.max(0, next - Date.now()));
    this.#timer.unref();
  }

  #inEventOrder(deliveries: Delivery[]): Delivery[] {
    // Deliveries come newest first; their row order is the order the events happened.
    return [...deliveries].reverse();
  }

  async #attempt(delivery: Delivery, manual: boolean): Promise<void> {
    const event = this.#store.events.get(delivery.event_id);
    const endpoint = this.#store.webhookEndpoints.get(delivery.endpoint_id);
    const secret = this.#store.webhookEndpoints.internal(delivery.endpoint_id)?.secret;
    if (!event || !endpoint || !secret) return;
    // Each endpoint gets the event in its own API version, the account's when it names none.
    const version = endpoint.api_version ?? ACCOUNT_API_VERSION;
    const payload = JSON.stringify(eventInVersion(event, version), null, 2);
    const current = this.#store.deliveries.get(delivery.id) ?? delivery;
    const attempts = current.attempts + 1;
    let status: number | null = null;
    let error: string | null = null;
    try {
      const response = await fetch(endpoint.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
          'stripe-signature': signatureHeader(payload, secret, Math.floor(Date.now() / 1000)),
        },
        body: payload,
        signal: AbortSignal.timeout(this.#options.timeoutMs),
      });
      status = response.status;
      await response.arrayBuffer().catch(() => undefined);
    } catch (cause) {
      error = cause instanceof Error ? cause.message : String(cause);
    }
    if (this.#closed) return;
    const ok = status !== null && status >= 200 && status < 300;
    const backoff = this.#options.backoffMs[attempts - 1];
    const next: Delivery = {
      ...current,
      attempts,
      last_status: status,
      last_error: error,
      status: ok ? 'succeeded' : backoff === undefined ? 'failed' : 'pending',
      next_attempt_at: Date.now() + (backoff ?? 0),
    };
    if (ok && current.status === 'succeeded') next.status = 'succeeded';
    this.#store.deliveries.update(next);
    if (ok) this.#settle(event.id);
    if (!ok) {
      this.#options.log(
        `webhook ${event.type} to ${endpoint.url} failed (${status ?? error}), attempt ${attempts}`,
      );
    }
    if (manual && !ok && !this.#held) this.kick();
  }

  /** `pending_webhooks` counts the endpoints still waiting for this event. */
  #settle(eventId: string): void {
    const event = this.#store.events.get(eventId);
    if (!event) return;
    const unsettled = this.#store.deliveries
      .findBy('event_id', eventId)
      .filter((d) => d.status !== 'succeeded').length;
    if (event.pending_webhooks !== unsettled) {
      this.#store.events.update({ ...event, pending_webhooks: unsettled });
    }
  }
}

function shuffle<T>(items: T[]): void {
  for (let i = items.length - 1; i > 0; i -= 1) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
}
