import type { Db } from './db.ts';

/**
 * Stripe time as the local Stripe sees it: real time plus an offset that the control API moves
 * forward, so renewals and expiries can be tested without waiting. The offset survives restarts.
 */
export class Clock {
  readonly #read;
  readonly #write;
  #offset: number;

  constructor(db: Db) {
    this.#read = db.prepare<[], { value: string }>(
      `SELECT value FROM meta WHERE key = 'clock_offset'`,
    );
    this.#write = db.prepare<[string]>(
      `INSERT INTO meta (key, value) VALUES ('clock_offset', ?)
       ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
    );
    this.#offset = Number(this.#read.get()?.value ?? 0);
  }

  #pinned: number | null = null;

  /** Unix seconds. */
  now(): number {
    return this.#pinned ?? Math.floor(Date.now() / 1000) + this.#offset;
  }

  /**
   * Runs `fn` as if it were `time`, so work the clock skipped over (a renewal due last Tuesday)
   * carries the time it was due rather than the time it was noticed.
   */
  at<T>(time: number, fn: () => T): T {
    const previous = this.#pinned;
    this.#pinned = Math.min(time, Math.floor(Date.now() / 1000) + this.#offset);
    try {
      return fn();
    } finally {
      this.#pinned = previous;
    }
  }

  get offset(): number {
    return this.#offset;
  }

  advance(seconds: number): number {
    this.#offset += Math.max(0, Math.floor(seconds));
    this.#write.run(String(this.#offset));
    return this.now();
  }

  reset(): void {
    this.#offset = 0;
    this.#write.run('0');
  }
}
