// Checkout creation and webhook ingest with the data in PostgreSQL, on one instance and on two
// sharing it, beside the same on SQLite, all three taken in turn in the same run.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freshPostgresDatabase } from '../test/support/postgres.ts';
import { newBuyerCheckouts, type Side } from './checkout.ts';
import type { LoadResult } from './load.ts';
import { startTilldrop, type Tilldrop, type TilldropOptions } from './processes.ts';
import type { Row } from './report.ts';
import { alternating, figure } from './stats.ts';
import { ingestRows, webhookIngest, type Ingested, type WebhookOptions } from './webhooks.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

export interface PostgresOptions {
  runs: number;
  seconds: number;
  connections: number;
  webhooks: WebhookOptions;
}

/** SQLite first: every other figure is also given as a share of its. */
const TARGETS: { name: string; options: () => Promise<TilldropOptions> }[] = [
  { name: 'SQLite', options: async () => ({}) },
  {
    name: 'PostgreSQL, 1 instance',
    options: async () => ({ databaseUrl: await freshPostgresDatabase() }),
  },
  {
    name: 'PostgreSQL, 2 instances',
    options: async () => ({ databaseUrl: await freshPostgresDatabase(), instances: 2 }),
  },
];

export async function postgresBench(options: PostgresOptions): Promise<Row[]> {
  // A throwaway cluster from Debian's binaries, as the PostgreSQL tests use, unless DATABASE_URL
  // names a server to make the databases in.
  execFileSync('bash', ['scripts/ensure-postgres.sh'], { cwd: ROOT, stdio: 'inherit' });
  return [
    ...(await onTargets((servers) => checkoutRows(servers, options))),
    ...(await onTargets((servers) => webhookRows(servers, options.webhooks))),
  ];
}

/** Each part on servers of its own, fresh databases included, so one never slows the next. */
async function onTargets(work: (servers: Tilldrop[]) => Promise<Row[]>): Promise<Row[]> {
  const servers: Tilldrop[] = [];
  try {
    for (const target of TARGETS) servers.push(await startTilldrop(await target.options()));
    return await work(servers);
  } finally {
    for (const server of servers) await server.stop();
  }
}

async function checkoutRows(servers: Tilldrop[], options: PostgresOptions): Promise<Row[]> {
  const sides = await Promise.all(servers.map(async (server) => newBuyerCheckouts(server)));
  const sideOf = (index: number, connections: number): Side =>
    sides[index]!.side({ seconds: options.seconds, connections });
  const runOf = (group: string, index: number, side: Side) => () =>
    side(`${group} · new buyer, ${TARGETS[index]!.name}`);

  // One connection: latency, where a second instance changes nothing.
  const single = 'postgres · checkout, 1 conn';
  const latency = await alternating(
    options.runs,
    [0, 1].map((index) => runOf(single, index, sideOf(index, 1))),
  );
  const p50 = (index: number) => figure(latency.map((round) => round[index]!.p50));
  const c = options.connections;
  const loaded = `postgres · checkout, ${c} conn`;
  const throughput = await alternating(
    options.runs,
    TARGETS.map((_, index) => runOf(loaded, index, sideOf(index, c))),
  );
  return [
    { name: `${single} · new buyer p50, SQLite`, unit: 'ms', value: p50(0) },
    { name: `${single} · new buyer p50, PostgreSQL`, unit: 'ms', value: p50(1) },
    {
      name: `${single} · PostgreSQL − SQLite at p50`,
      unit: 'ms',
      value: figure(latency.map((round) => round[1]!.p50 - round[0]!.p50)),
    },
    ...TARGETS.flatMap(({ name }, index) => [
      {
        name: `${loaded} · new buyer, ${name}`,
        unit: 'req/s',
        value: figure(throughput.map((round) => round[index]!.perSecond)),
      },
      ...(index > 0 ? [shareOfSqlite(loaded, name, throughput, index, (r) => r.perSecond)] : []),
    ]),
  ];
}

async function webhookRows(servers: Tilldrop[], options: WebhookOptions): Promise<Row[]> {
  const ingests = await Promise.all(servers.map((server) => webhookIngest(server, options)));
  const group = `postgres · webhooks, ${options.connections} conn`;
  try {
    const rounds = await alternating(
      options.runs,
      ingests.map((ingest, index) => async (round: number) => {
        const batch = await ingest.prepare(round < 0 ? 'warm' : `r${round}`);
        return ingest.ingest(`${group} · ${TARGETS[index]!.name}`, batch);
      }),
    );
    return TARGETS.flatMap(({ name }, index) => [
      ...ingestRows(
        `${group} · ${name}`,
        rounds.map((round) => round[index]!),
      ),
      ...(index > 0
        ? [shareOfSqlite(group, name, rounds, index, (run: Ingested) => run.result.perSecond)]
        : []),
    ]);
  } finally {
    for (const ingest of ingests) await ingest.close();
  }
}

/** Target `index`'s figure as a share of SQLite's, round by round. */
function shareOfSqlite<T extends LoadResult | Ingested>(
  group: string,
  name: string,
  rounds: T[][],
  index: number,
  value: (result: T) => number,
): Row {
  return {
    name: `${group} · ${name} / SQLite`,
    unit: '%',
    value: figure(rounds.map((round) => (100 * value(round[index]!)) / value(round[0]!))),
  };
}
