import { openPostgres } from './postgres.ts';
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

/** Opens the database and brings its schema up to date. */
export function openDatabase(location: DatabaseLocation): Promise<Sql> {
  return location.url ? openPostgres(location.url) : Promise.resolve(openSqlite(location.path));
}

export const nowSeconds = () => Math.floor(Date.now() / 1000);
