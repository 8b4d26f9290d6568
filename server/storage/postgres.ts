import pg from 'pg';
import { postgresMigrations } from './postgres-migrations.ts';
import {
  assertOutsideTransaction,
  KeyedQueue,
  insideTransaction,
  type Params,
  type Sql,
  type Statement,
} from './sql.ts';

const INT8 = 20;
// Times and amounts are BIGINT; both fit a JavaScript number, and SQLite returns numbers too.
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8 ? Number : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

/** Advisory lock namespaces (the first key of the two-key form), one per use. */
const MIGRATION_LOCK = 7_351_001;
const EXCLUSIVE_LOCK = 7_351_002;

/** Connects to DATABASE_URL and brings its schema up to date, one instance at a time. */
export async function openPostgres(url: string): Promise<Sql> {
  const pool = new pg.Pool({ connectionString: url, types, max: 10 });
  // An idle connection the server dropped (a restart, a failover) is replaced on next use;
  // without a listener its error would end the process.
  pool.on('error', () => undefined);
  await migrate(pool);
  return new PostgresConnection(pool, url);
}

async function migrate(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    // Instances starting together take turns; the later ones find the schema up to date.
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await client.query('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)');
    const { rows } = await client.query<{ version: number }>('SELECT version FROM schema_version');
    if (rows.length === 0) await client.query('INSERT INTO schema_version VALUES (0)');
    const current = rows[0]?.version ?? 0;
    for (const [index, sql] of postgresMigrations.slice(current).entries()) {
      await client.query('BEGIN');
      try {
        await client.query(sql);
        await client.query('UPDATE schema_version SET version = $1', [current + index + 1]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      }
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    client.release();
  }
}

interface Converted {
  name: string;
  text: string;
  /** The named parameters in `$n` order; null for positional ones. */
  names: string[] | null;
}

const converted = new Map<string, Converted>();

/** `@name` and `?` become `$n`; each text gets one prepared-statement name, on every connection. */
function convert(text: string): Converted {
  let found = converted.get(text);
  if (found) return found;
  const names: string[] = [];
  let positional = 0;
  const pgText = text.replace(/@(\w+)|\?/g, (_, name: string | undefined) => {
    if (!name) return `$${++positional}`;
    const index = names.indexOf(name);
    return `$${(index < 0 ? names.push(name) : index + 1).toString()}`;
  });
  found = { name: `tilldrop_${converted.size}`, text: pgText, names: positional ? null : names };
  converted.set(text, found);
  return found;
}

function valuesOf(statement: Converted, params: readonly unknown[]): unknown[] {
  const values = statement.names
    ? statement.names.map((name) => (params[0] as Record<string, unknown>)[name])
    : params;
  return values.map((value) => value ?? null);
}

function statementOn<P extends Params, R>(
  query: (config: pg.QueryConfig) => Promise<pg.QueryResult>,
  text: string,
): Statement<P, R> {
  let named: Converted | undefined;
  const execute = (params: readonly unknown[]) => {
    const statement = (named ??= convert(text));
    return query({
      name: statement.name,
      text: statement.text,
      values: valuesOf(statement, params),
    });
  };
  return {
    get: async (...params) => (await execute(params)).rows[0] as R | undefined,
    all: async (...params) => (await execute(params)).rows as R[],
    run: async (...params) => (await execute(params)).rowCount ?? 0,
  };
}

class PostgresConnection implements Sql {
  readonly dialect = 'postgres';
  readonly #queue = new KeyedQueue();
  /**
   * Lock holders wait on Stripe while they hold the lock; on connections of their own, the work
   * they guard never waits for one of them.
   */
  readonly #locks: pg.Pool;

  constructor(
    private readonly pool: pg.Pool,
    url: string,
  ) {
    this.#locks = new pg.Pool({ connectionString: url, types, max: 10 });
    this.#locks.on('error', () => undefined);
  }

  prepare<P extends Params = [], R = unknown>(text: string): Statement<P, R> {
    return statementOn((config) => {
      assertOutsideTransaction(this);
      return this.pool.query(config);
    }, text);
  }

  async exec(text: string): Promise<void> {
    assertOutsideTransaction(this);
    await this.pool.query(text);
  }

  async transaction<T>(work: (tx: Sql) => Promise<T>): Promise<T> {
    assertOutsideTransaction(this);
    const client = await this.pool.connect();
    const tx: Sql = {
      dialect: 'postgres',
      prepare: (text) => statementOn((config) => client.query(config), text),
      exec: async (text) => void (await client.query(text)),
      transaction: (inner) => inner(tx),
      exclusive: (key, inner) => this.exclusive(key, inner),
      close: () => this.close(),
    };
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      try {
        const result = await insideTransaction(this, () => work(tx));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch((rollbackError: Error) => (broken = rollbackError));
        throw error;
      }
    } finally {
      client.release(broken);
    }
  }

  exclusive<T>(key: string, work: () => Promise<T>): Promise<T> {
    return this.#queue.run(key, async () => {
      const client = await this.#locks.connect();
      let broken: Error | undefined;
      try {
        // A session lock: it goes with the connection if this process dies holding it.
        await client.query('SELECT pg_advisory_lock($1, hashtext($2))', [EXCLUSIVE_LOCK, key]);
        try {
          return await work();
        } finally {
          await client
            .query('SELECT pg_advisory_unlock($1, hashtext($2))', [EXCLUSIVE_LOCK, key])
            .catch((error: Error) => (broken = error));
        }
      } finally {
        client.release(broken);
      }
    });
  }

  async close(): Promise<void> {
    await Promise.all([this.pool.end(), this.#locks.end()]);
  }
}
