import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { sqliteMigrations } from './migrations.ts';
import {
  assertOutsideTransaction,
  KeyedQueue,
  insideTransaction,
  type Params,
  type Sql,
  type Statement,
} from './sql.ts';

/** Opens (creating if needed) the database file and brings its schema up to date. */
export function openSqlite(path: string): Sql {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db);
  const gate = path === ':memory:' ? newGate() : (gates.get(path) ?? newGate());
  if (path !== ':memory:') gates.set(path, gate);
  return new SqliteConnection(db, gate);
}

/**
 * What the connections to one file in this process share: SQLite's locks are taken
 * synchronously, so a second connection's write during an open transaction would block the
 * thread the transaction needs to finish.
 */
interface Gate {
  /** Settles when the open transaction ends; null while none is open. */
  open: Promise<void> | null;
  queue: KeyedQueue;
}
const newGate = (): Gate => ({ open: null, queue: new KeyedQueue() });
const gates = new Map<string, Gate>();

function migrate(db: Database.Database): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  const apply = db.transaction(() => {
    sqliteMigrations.slice(current).forEach((sql, index) => {
      db.exec(sql);
      db.pragma(`user_version = ${current + index + 1}`);
    });
  });
  apply();
}

/**
 * better-sqlite3 answers synchronously on one connection. A transaction's work is async, so while
 * it is open every other statement waits for it to end instead of landing inside it. SQLite
 * serves one process: `exclusive` is a queue in this one.
 */
class SqliteConnection implements Sql {
  readonly dialect = 'sqlite';
  readonly #statements = new Map<string, Database.Statement>();
  readonly #tx: Sql;
  /** Prepared once, as better-sqlite3's own transactions do: exec() compiles its text each time. */
  readonly #control: Record<'begin' | 'commit' | 'rollback', Database.Statement>;

  constructor(
    private readonly db: Database.Database,
    private readonly gate: Gate,
  ) {
    this.#control = {
      begin: db.prepare('BEGIN'),
      commit: db.prepare('COMMIT'),
      rollback: db.prepare('ROLLBACK'),
    };
    this.#tx = {
      dialect: 'sqlite',
      prepare: (text) => this.#statement(text, false),
      exec: async (text) => void this.db.exec(text),
      transaction: (work) => work(this.#tx),
      exclusive: (key, work) => this.exclusive(key, work),
      close: () => this.close(),
    };
  }

  prepare<P extends Params = [], R = unknown>(text: string): Statement<P, R> {
    return this.#statement(text, true);
  }

  async exec(text: string): Promise<void> {
    while (this.gate.open) await this.#idle();
    this.db.exec(text);
  }

  async transaction<T>(work: (tx: Sql) => Promise<T>): Promise<T> {
    // Checked and taken in one synchronous step: another waiter may wake on the same turn.
    while (this.gate.open) await this.#idle();
    let end!: () => void;
    this.gate.open = new Promise((resolve) => (end = resolve));
    try {
      this.#control.begin.run();
      try {
        const result = await insideTransaction(this.gate, () => work(this.#tx));
        this.#control.commit.run();
        return result;
      } catch (error) {
        if (this.db.inTransaction) this.#control.rollback.run();
        throw error;
      }
    } finally {
      this.gate.open = null;
      end();
    }
  }

  exclusive<T>(key: string, work: () => Promise<T>): Promise<T> {
    return this.gate.queue.run(key, work);
  }

  async close(): Promise<void> {
    await this.#idle();
    this.db.close();
  }

  async #idle(): Promise<void> {
    while (this.gate.open) {
      assertOutsideTransaction(this.gate);
      await this.gate.open;
    }
  }

  /**
   * The statement is prepared at its first use and held here after, and each call runs it
   * directly: no closure is built per call, and the map of texts is read once per statement.
   */
  #statement<P extends Params, R>(text: string, waitForTransaction: boolean): Statement<P, R> {
    let prepared: Database.Statement | undefined;
    const statement = () => (prepared ??= this.#prepared(text));
    // Checked again after each wait: another waiter may open a transaction on the turn it ends.
    const mustWait = () => waitForTransaction && this.gate.open !== null;
    return {
      get: async (...params) => {
        while (mustWait()) await this.#idle();
        return statement().get(...params) as R | undefined;
      },
      all: async (...params) => {
        while (mustWait()) await this.#idle();
        return statement().all(...params) as R[];
      },
      run: async (...params) => {
        while (mustWait()) await this.#idle();
        return statement().run(...params).changes;
      },
    };
  }

  /** One prepared statement per text on this connection, shared by it and its transactions. */
  #prepared(text: string): Database.Statement {
    let statement = this.#statements.get(text);
    if (!statement) {
      statement = this.db.prepare(text);
      this.#statements.set(text, statement);
    }
    return statement;
  }
}
