// `npm run db:copy -- --to postgres://…`: moves the SQLite database (DATABASE_PATH, or the default
// path) into an empty PostgreSQL database, schema and every row, in one transaction.
import { parseArgs } from 'node:util';
import { parseEnv } from '../server/config.ts';
import { copyDatabase, TargetNotEmptyError } from '../server/storage/copy.ts';
import { openPostgres } from '../server/storage/postgres.ts';
import { openSqlite } from '../server/storage/sqlite.ts';

const { values } = parseArgs({ options: { to: { type: 'string' } } });
if (!values.to || !/^postgres(ql)?:\/\//.test(values.to)) {
  process.stderr.write('Usage: npm run db:copy -- --to postgres://user@host/database\n');
  process.exit(2);
}
const env = parseEnv(process.env);
const from = openSqlite(env.DATABASE_PATH);
const to = await openPostgres(values.to);
try {
  const copied = await copyDatabase(from, to);
  const total = Object.values(copied).reduce((sum, n) => sum + n, 0);
  process.stdout.write(
    `Copied ${total} rows from ${env.DATABASE_PATH}: ${Object.entries(copied)
      .map(([table, n]) => `${table} ${n}`)
      .join(', ')}.\n`,
  );
} catch (error) {
  if (!(error instanceof TargetNotEmptyError)) throw error;
  process.stderr.write(`${error.message}: db:copy only fills an empty database.\n`);
  process.exitCode = 1;
} finally {
  await Promise.all([from.close(), to.close()]);
}
