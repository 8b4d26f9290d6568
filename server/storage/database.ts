import { openSqlite } from './sqlite.ts';
import type { Sql } from './sql.ts';

export type { Sql as Db } from './sql.ts';

/** Where the data lives: PostgreSQL when a URL is given, else the SQLite file. */
export interface DatabaseLocation {
  /** DATABASE_URL, postgres://… */
  url?: string;
  /** DATABASE_PATH, the SQLite file. */
  path: string;
}

/**
 * Opens the database and brings its schema up to date. The PostgreSQL driver is loaded only for a
 * URL, so a server on SQLite never spends its start reading it.
 */
export async function openDatabase(location: DatabaseLocation): Promise<Sql> {
  if (!location.url) return openSqlite(location.path);
  const { openPostgres } = await import('./postgres.ts');
  return openPostgres(location.url);
}

export const nowSeconds = () => Math.floor(Date.now() / 1000);
