import type { Logger } from 'pino';
import type Stripe from 'stripe';
import type { Storage } from '../storage/index.ts';
import { isHandled } from '../stripe/handled-events.ts';
import { InboxWrites } from './inbox-writes.ts';
import type { WebhookOutcome, WebhookProcessor } from './webhooks.ts';

/** How a delivery was answered: applied in the request, or `queued`, in the inbox to apply next. */
export type DeliveryOutcome = WebhookOutcome | 'queued';

/**
 * Events applied at once in this process, in requests and from the inbox together. Past them, and
 * while other deliveries arrive beside it or events wait, a delivery is answered as soon as it is
 * in the inbox, so a burst never keeps Stripe waiting on Stripe reads and transactions. Stripe's
 * webhook best practices ask for it (docs.stripe.com/webhooks, "Quickly return a 2xx response"
 * before any complex logic, and "Handle events asynchronously" with a queue).
 */
const APPLYING_AT_ONCE = 2;
/**
 * A burst is taken in first and applied after: the inbox waits for a pause this long between
 * deliveries, and never longer than MAX_DEFER_MS after the burst's first, so a stream that never
 * pauses is still applied as it comes.
 */
const QUIET_MS = 20;
const MAX_DEFER_MS = 5_000;
/** How long a claim keeps other appliers off an entry. */
const LEASE_MS = 10_000;
/** How often the inbox is read for entries due again or left by another instance. */
const POLL_MS = 2_000;
/** A failed application waits this long, doubled on each failure up to MAX_RETRY_MS. */
const FIRST_RETRY_MS = 1_000;
const MAX_RETRY_MS = 3_600_000;

/**
 * Takes verified events. A delivery that arrives alone, while nothing waits in the inbox and fewer
 * than APPLYING_AT_ONCE are being applied, is applied in its request, whose answer says how (a
 * failure is a 500 that Stripe retries). Otherwise it is recorded in the inbox and answered
 * `queued`; this process applies it once the burst pauses, retrying a failure itself, and an entry
 * left by a stopped or killed instance is applied by whichever instance claims it next. Each event
 * is still applied once: the processor records its id with its effect.
 */
export class WebhookInbox {
  readonly #applications = new Set<Promise<void>>();
  #applying = 0;
  /** Deliveries between their arrival and their answer. */
  #arriving = 0;
  /** Whether entries this process queued, or found, may still wait in the inbox. */
  #backlog = false;
  #burstStartedAt = 0;
  #lastQueuedAt = 0;
  #deferred: NodeJS.Timeout | null = null;
  #draining: Promise<void> | null = null;
  #drainAgain = false;
  #timer: NodeJS.Timeout | null = null;
  #closed = false;
  readonly #writes: InboxWrites;

  constructor(
    private readonly deps: {
      processor: WebhookProcessor;
      storage: Storage;
      logger: Logger;
    },
  ) {
    this.#writes = new InboxWrites(deps.storage);
  }

  /** Applies the inbox's entries from now on: those left by an earlier run first. */
  async start(): Promise<void> {
    const { storage } = this.deps;
    // An SQLite file is served by one process, so a claim found at start is a killed run's.
    if (storage.db.dialect === 'sqlite') await storage.inbox.releaseAll();
    this.#timer = setInterval(() => this.#drain(), POLL_MS);
    this.#timer.unref();
    this.#drain();
  }

  /** Stops claiming entries and waits for those being applied; the rest wait for a next start. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer) clearInterval(this.#timer);
    if (this.#deferred) clearTimeout(this.#deferred);
    await this.#draining;
    await Promise.all(this.#applications);
  }

  /** Counts a delivery from its first byte to its answer; call the result once it is answered. */
  arrive(): () => void {
    this.#arriving++;
    return () => void this.#arriving--;
  }

  /**
   * Applies a verified event now, or queues it, with the signed bytes it came in, while other
   * deliveries arrive beside it.
   */
  async receive(event: Stripe.Event, payload: Buffer): Promise<DeliveryOutcome> {
    const alone = this.#arriving <= 1 && !this.#backlog && this.#applying < APPLYING_AT_ONCE;
    // An event of a type not handled is only recorded: nothing in it is worth a queue.
    if (alone || !isHandled(event.type)) {
      this.#applying++;
      try {
        return await this.deps.processor.process(event);
      } finally {
        this.#applied();
      }
    }
    const now = Date.now();
    if (!(await this.#writes.add(event, payload.toString(), now))) return 'duplicate';
    if (!this.#backlog) this.#burstStartedAt = now;
    this.#backlog = true;
    this.#lastQueuedAt = now;
    this.#drainAfterBurst();
    return 'queued';
  }

  #applied(): void {
    this.#applying--;
    if (this.#backlog) this.#drainAfterBurst();
  }

  /** Drains once deliveries pause, or the burst has waited MAX_DEFER_MS. */
  #drainAfterBurst(): void {
    if (this.#deferred || this.#closed) return;
    const due = Math.min(this.#lastQueuedAt + QUIET_MS, this.#burstStartedAt + MAX_DEFER_MS);
    const wait = due - Date.now();
    if (wait <= 0) return this.#drain();
    this.#deferred = setTimeout(() => {
      this.#deferred = null;
      this.#drainAfterBurst();
    }, wait);
  }

  /** Claims due entries while there is room; a call while one runs makes it look once more. */
  #drain(): void {
    if (this.#closed) return;
    if (this.#draining) {
      this.#drainAgain = true;
      return;
    }
    this.#draining = this.#claimWhileRoom()
      .catch((error: unknown) => this.deps.logger.error({ err: error }, 'webhook inbox not read'))
      .finally(() => {
        this.#draining = null;
        if (this.#drainAgain) {
          this.#drainAgain = false;
          this.#drain();
        }
      });
  }

  async #claimWhileRoom(): Promise<void> {
    const { inbox } = this.deps.storage;
    while (!this.#closed && this.#applying < APPLYING_AT_ONCE) {
      const room = APPLYING_AT_ONCE - this.#applying;
      const entries = await inbox.claim(Date.now(), LEASE_MS, room);
      this.#backlog = entries.length === room;
      for (const entry of entries) {
        this.#applying++;
        const application = this.#apply(entry).finally(() => {
          this.#applications.delete(application);
          this.#applied();
        });
        this.#applications.add(application);
      }
      if (entries.length < room) return;
    }
  }

  async #apply(entry: { id: string; payload: string; attempts: number }): Promise<void> {
    const { processor, storage, logger } = this.deps;
    try {
      // Verified and checked against the payload schemas before it was queued.
      await processor.process(JSON.parse(entry.payload) as Stripe.Event);
      await storage.inbox.remove(entry.id);
    } catch (error) {
      const attempts = entry.attempts + 1;
      const wait = Math.min(FIRST_RETRY_MS * 2 ** (attempts - 1), MAX_RETRY_MS);
      logger.warn(
        { err: error, eventId: entry.id, attempts, retryInMs: wait },
        'webhook event not applied yet; it is retried',
      );
      await storage.inbox
        .retryAt(entry.id, attempts, Date.now() + wait, String(error))
        .catch(() => undefined); // The lease runs out instead, and the entry is claimed again.
    }
  }
}
