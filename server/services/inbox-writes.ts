import type Stripe from 'stripe';
import type { Storage } from '../storage/index.ts';

interface Waiting {
  event: Stripe.Event;
  payload: string;
  now: number;
  settle: (added: boolean | Error) => void;
}

/**
 * Writes the deliveries queued in one turn of the event loop in one transaction: a group commit.
 * A burst's deliveries come in on many connections at once, and a commit per delivery was most
 * of a delivery's cost on SQLite (each one writes the pages it changed to the log again) and a
 * round trip and a flush each on PostgreSQL. Each delivery is still answered only once its own
 * row is committed; a failed commit fails every delivery in it, and Stripe sends each again.
 */
export class InboxWrites {
  #waiting: Waiting[] = [];

  constructor(private readonly storage: Storage) {}

  /** False when the event is already waiting in the inbox, or already applied. */
  add(event: Stripe.Event, payload: string, now: number): Promise<boolean> {
    return new Promise((resolve, reject) => {
      const settle = (added: boolean | Error) =>
        added instanceof Error ? reject(added) : resolve(added);
      // The first of a turn's deliveries writes them all, once every connection has been read.
      if (this.#waiting.push({ event, payload, now, settle }) === 1)
        setImmediate(() => void this.#write());
    });
  }

  async #write(): Promise<void> {
    const batch = this.#waiting;
    this.#waiting = [];
    try {
      const added =
        batch.length === 1
          ? [await this.#addOne(this.storage, batch[0]!)]
          : await this.storage.transaction(async (tx) => {
              const results: boolean[] = [];
              for (const waiting of batch) results.push(await this.#addOne(tx, waiting));
              return results;
            });
      batch.forEach((waiting, index) => waiting.settle(added[index]!));
    } catch (error) {
      const failure = error instanceof Error ? error : new Error(String(error));
      for (const waiting of batch) waiting.settle(failure);
    }
  }

  #addOne = (storage: Storage, { event, payload, now }: Waiting) =>
    storage.inbox.add(event, payload, now);
}
