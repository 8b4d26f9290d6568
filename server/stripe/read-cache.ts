/**
 * Answers from Stripe kept for a few seconds, so a page polling the same object spends one of the
 * merchant's Stripe requests per `ttlMs` however often it asks: Stripe allows an account 25 a
 * second in a sandbox and 100 live (https://docs.stripe.com/rate-limits). Concurrent askers
 * share one call; a failed call is not kept.
 */
export class ReadCache<T> {
  // Every entry lives `ttlMs` from its insertion, so the Map's order is also expiry order.
  readonly #entries = new Map<string, { value: Promise<T>; expiresAt: number }>();

  constructor(
    private readonly options: { ttlMs: number; maxEntries: number; now?: () => number },
  ) {}

  get size(): number {
    return this.#entries.size;
  }

  get(key: string, load: () => Promise<T>): Promise<T> {
    const now = (this.options.now ?? Date.now)();
    for (const [oldKey, entry] of this.#entries) {
      if (entry.expiresAt > now) break;
      this.#entries.delete(oldKey);
    }
    const cached = this.#entries.get(key);
    if (cached) return cached.value;
    const value = load();
    this.#entries.set(key, { value, expiresAt: now + this.options.ttlMs });
    value.catch(() => {
      if (this.#entries.get(key)?.value === value) this.#entries.delete(key);
    });
    if (this.#entries.size > this.options.maxEntries) {
      this.#entries.delete(this.#entries.keys().next().value!);
    }
    return value;
  }
}
