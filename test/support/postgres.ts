// A throwaway PostgreSQL for the tests: Debian's server binaries, a cluster initialised in a
// temporary directory and started on a free port, stopped and removed when the process ends. With
// DATABASE_URL set, that server is used instead. Each caller gets a fresh, empty database in it.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/** Which database a test stack uses: TEST_DATABASE=postgres, or SQLite. */
export const testDialect = process.env.TEST_DATABASE === 'postgres' ? 'postgres' : 'sqlite';

let server: Promise<string> | undefined;

/** A new empty database on the test server; its postgres:// URL. */
export async function freshPostgresDatabase(): Promise<string> {
  const adminUrl = await (server ??= Promise.resolve(process.env.DATABASE_URL ?? startCluster()));
  const name = `tilldrop_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.href;
}

function binDir(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root).filter((version) => existsSync(join(root, version, 'bin', 'initdb')))
    : [];
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
  if (!newest) {
    throw new Error('No PostgreSQL server binaries: run scripts/ensure-postgres.sh');
  }
  return join(root, newest, 'bin');
}

/** PostgreSQL refuses to run as root: as root, the cluster belongs to the postgres user. */
function asClusterOwner(command: string, args: string[]): void {
  const [file, fileArgs] =
    process.getuid?.() === 0
      ? ['runuser', ['-u', 'postgres', '--', command, ...args]]
      : [command, args];
  execFileSync(file, fileArgs, { stdio: ['ignore', 'ignore', 'pipe'] });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

async function startCluster(): Promise<string> {
  const bin = binDir();
  const dir = mkdtempSync(join(tmpdir(), 'tilldrop-pg-'));
  if (process.getuid?.() === 0) {
    const owner = (flag: string) =>
      Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, owner('-u'), owner('-g'));
  }
  const data = join(dir, 'data');
  asClusterOwner(join(bin, 'initdb'), [
    '-D',
    data,
    '-U',
    'postgres',
    '--auth=trust',
    '--encoding=UTF8',
    '--locale=C',
    '--no-sync',
  ]);
  const port = await freePort();
  // Durability is not under test here: the cluster is thrown away with the run.
  const options = [
    `-p ${port}`,
    `-k ${dir}`,
    '-c listen_addresses=127.0.0.1',
    '-c fsync=off',
    '-c synchronous_commit=off',
    '-c full_page_writes=off',
    '-c max_connections=200',
  ].join(' ');
  const pgCtl = join(bin, 'pg_ctl');
  asClusterOwner(pgCtl, ['start', '-w', '-D', data, '-l', join(dir, 'server.log'), '-o', options]);
  process.once('exit', () => {
    try {
      asClusterOwner(pgCtl, ['stop', '-m', 'immediate', '-D', data]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  return `postgres://postgres@127.0.0.1:${port}/postgres`;
}
