import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * A statement's parameters: positional (`?`, a tuple) or named (`@name`, an object). Both drivers
 * take the same SQL text, written in the subset SQLite and PostgreSQL share.
 */
export type Params = readonly unknown[] | object;
type Args<P extends Params> = P extends readonly unknown[] ? P : [P];

export interface Statement<P extends Params, R> {
  get(...params: Args<P>): Promise<R | undefined>;
  all(...params: Args<P>): Promise<R[]>;
  /** Returns how many rows the statement changed. */
  run(...params: Args<P>): Promise<number>;
}

export type Dialect = 'sqlite' | 'postgres';

/** One database connection, or one open transaction on it. */
export interface Sql {
  readonly dialect: Dialect;
  prepare<P extends Params = unknown[], R = unknown>(text: string): Statement<P, R>;
  /** Runs statements without parameters, several at once (schema changes). */
  exec(text: string): Promise<void>;
  /**
   * Runs `work` in one transaction, on `tx`: all of its writes land, or none. Inside a
   * transaction, this runs `work` in the same one.
   */
  transaction<T>(work: (tx: Sql) => Promise<T>): Promise<T>;
  /**
   * Runs `work` while no other caller, in this process or any other on the same database, runs
   * work for the same key. Keys are free text; a hash collision only makes two keys wait for each
   * other.
   */
  exclusive<T>(key: string, work: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/**
 * Which transaction the running code is inside. A statement sent on the plain connection from
 * inside a transaction would wait for that transaction to end (SQLite) or miss its writes and its
 * locks (PostgreSQL), so it fails loudly instead, in development and in the test suites. Not in
 * production: on Node 20 an AsyncLocalStorage is built on async_hooks, and once one is used node
 * runs its promise hook for every promise the process makes, a cost every request pays (about a
 * tenth of a webhook delivery's time, measured).
 */
const openTransaction =
  process.env.NODE_ENV === 'production' ? undefined : new AsyncLocalStorage<object>();

/** Runs `work` as inside `owner`'s open transaction. */
export function insideTransaction<T>(owner: object, work: () => T): T {
  return openTransaction ? openTransaction.run(owner, work) : work();
}

export function assertOutsideTransaction(owner: object): void {
  if (openTransaction?.getStore() === owner) {
    throw new Error('A statement ran on the connection instead of its open transaction');
  }
}

/** Runs each key's work one after another within this process. */
export class KeyedQueue {
  readonly #tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const result = (this.#tails.get(key) ?? Promise.resolve()).then(work);
    const tail = result.catch(() => undefined);
    this.#tails.set(key, tail);
    void tail.then(() => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
    return result;
  }
}
