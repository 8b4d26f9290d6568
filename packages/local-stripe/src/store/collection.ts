import type { Statement } from 'better-sqlite3';
import type { Db } from './db.ts';

type IndexValue = string | number | null;

export interface Page<T> {
  data: T[];
  has_more: boolean;
}

export interface PageQuery<T> {
  /** Exact match on one indexed column, done in SQL. */
  where?: { column: string; value: IndexValue };
  filter?: (item: T) => boolean;
  limit?: number;
  starting_after?: string;
  ending_before?: string;
}

interface Row {
  seq: number;
  json: string;
  internal: string | null;
}

/**
 * One Stripe resource in its own table: the public object as JSON, private bookkeeping the API
 * never shows (`internal`), and a few indexed columns derived from the object for lookups.
 * Lists come back newest first, as Stripe's do; `seq` breaks ties between objects created in the
 * same second.
 */
export class Collection<T extends { id: string }, I = null> {
  readonly #db: Db;
  readonly #table: string;
  readonly #indexes: Record<string, (item: T, internal: I | null) => IndexValue>;
  readonly #insert: Statement;
  readonly #update: Statement;
  readonly #get: Statement<[string], Row>;
  readonly #all: Statement<[], Row>;
  readonly #clear: Statement;
  readonly #where = new Map<string, Statement<[IndexValue], Row>>();

  constructor(
    db: Db,
    table: string,
    indexes: Record<string, (item: T, internal: I | null) => IndexValue> = {},
  ) {
    this.#db = db;
    this.#table = table;
    this.#indexes = indexes;
    const columns = Object.keys(indexes);
    db.exec(
      `CREATE TABLE IF NOT EXISTS ${table} (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        json TEXT NOT NULL,
        internal TEXT${columns.map((c) => `,\n        ${c}`).join('')}
      )`,
    );
    for (const column of columns) {
      db.exec(`CREATE INDEX IF NOT EXISTS ${table}_${column} ON ${table} (${column})`);
    }
    const named = columns.map((c) => `@${c}`);
    this.#insert = db.prepare(
      `INSERT INTO ${table} (id, json, internal${columns.map((c) => `, ${c}`).join('')})
       VALUES (@id, @json, @internal${named.map((n) => `, ${n}`).join('')})`,
    );
    this.#update = db.prepare(
      `UPDATE ${table} SET json = @json, internal = @internal${columns
        .map((c) => `, ${c} = @${c}`)
        .join('')} WHERE id = @id`,
    );
    this.#get = db.prepare(`SELECT seq, json, internal FROM ${table} WHERE id = ?`);
    this.#all = db.prepare(`SELECT seq, json, internal FROM ${table} ORDER BY seq DESC`);
    this.#clear = db.prepare(`DELETE FROM ${table}`);
  }

  insert(item: T, internal: I | null = null): T {
    this.#insert.run(this.#bind(item, internal));
    return item;
  }

  /** Replaces the stored object; `internal` is kept unless given. */
  update(item: T, internal?: I | null): T {
    const kept = internal === undefined ? this.internal(item.id) : internal;
    this.#update.run(this.#bind(item, kept));
    return item;
  }

  get(id: string): T | undefined {
    const row = this.#get.get(id);
    return row ? (JSON.parse(row.json) as T) : undefined;
  }

  internal(id: string): I | null {
    const row = this.#get.get(id);
    return row?.internal ? (JSON.parse(row.internal) as I) : null;
  }

  findBy(column: string, value: IndexValue): T[] {
    return this.#rowsWhere(column, value).map((row) => JSON.parse(row.json) as T);
  }

  all(): T[] {
    return this.#all.all().map((row) => JSON.parse(row.json) as T);
  }

  page(query: PageQuery<T>): Page<T> {
    const rows = query.where
      ? this.#rowsWhere(query.where.column, query.where.value)
      : this.#all.all();
    let items = rows.map((row) => ({ seq: row.seq, item: JSON.parse(row.json) as T }));
    if (query.filter) items = items.filter(({ item }) => query.filter!(item));
    const limit = query.limit ?? 10;
    if (query.ending_before) {
      const cursor = this.#get.get(query.ending_before)?.seq ?? Number.NEGATIVE_INFINITY;
      const newer = items.filter(({ seq }) => seq > cursor);
      const data = newer.slice(Math.max(0, newer.length - limit));
      return { data: data.map(({ item }) => item), has_more: newer.length > limit };
    }
    const cursor = query.starting_after
      ? (this.#get.get(query.starting_after)?.seq ?? Number.POSITIVE_INFINITY)
      : Number.POSITIVE_INFINITY;
    const older = items.filter(({ seq }) => seq < cursor);
    return { data: older.slice(0, limit).map(({ item }) => item), has_more: older.length > limit };
  }

  clear(): void {
    this.#clear.run();
  }

  #rowsWhere(column: string, value: IndexValue): Row[] {
    if (!(column in this.#indexes)) throw new Error(`${this.#table} has no index on ${column}`);
    let statement = this.#where.get(column);
    if (!statement) {
      statement = this.#db.prepare<[IndexValue], Row>(
        `SELECT seq, json, internal FROM ${this.#table} WHERE ${column} IS ? ORDER BY seq DESC`,
      );
      this.#where.set(column, statement);
    }
    return statement.all(value);
  }

  #bind(item: T, internal: I | null): Record<string, unknown> {
    const row: Record<string, unknown> = {
      id: item.id,
      json: JSON.stringify(item),
      internal: internal === null ? null : JSON.stringify(internal),
    };
    for (const [column, derive] of Object.entries(this.#indexes)) {
      const value = derive(item, internal);
      row[column] = typeof value === 'boolean' ? Number(value) : value;
    }
    return row;
  }
}
