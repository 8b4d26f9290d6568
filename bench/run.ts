// `npm run bench [section…]`: every figure as the median of several runs, printed as a table and
// written to bench/results.json. Sections: checkout, webhooks, postgres, koa, cold-start, widget.
// BENCH_QUICK=1 runs each once and briefly, to see that every section runs; it writes no results.
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { checkoutBench } from './checkout.ts';
import { coldStartBench } from './cold-start.ts';
import { koaVsBareBench } from './koa-vs-bare.ts';
import { postgresBench } from './postgres.ts';
import { startTilldrop, type Tilldrop, type TilldropOptions } from './processes.ts';
import { table, type Row } from './report.ts';
import { webhookBench } from './webhooks.ts';
import { widgetRenderBench, widgetSizeBench } from './widget.ts';
import { widgetClickBench } from './widget-click.ts';

const QUICK = process.env.BENCH_QUICK === '1';
/** Runs per figure and seconds per run: long enough to settle, short enough for a few minutes in all. */
const RUNS = QUICK ? 1 : 3;
const SECONDS = QUICK ? 1 : 4;
const CONNECTIONS = 10;
const WEBHOOKS = {
  runs: RUNS,
  eventsPerRun: QUICK ? 600 : 9000,
  duplicateShare: 0.2,
  connections: CONNECTIONS,
};

/** Each section on a server of its own, so one section's rows never slow the next. */
const onServer =
  (bench: (server: Tilldrop) => Promise<Row[]>, options?: TilldropOptions) =>
  async (): Promise<Row[]> => {
    const server = await startTilldrop(options);
    try {
      return await bench(server);
    } finally {
      await server.stop();
    }
  };

const SECTIONS: Record<string, () => Promise<Row[]>> = {
  checkout: onServer((server) =>
    checkoutBench(server, { runs: RUNS, seconds: SECONDS, connections: CONNECTIONS }),
  ),
  webhooks: onServer((server) => webhookBench(server, WEBHOOKS)),
  // Three databases' worth of setup: a third of the events per webhook run, same shares.
  postgres: () =>
    postgresBench({
      runs: RUNS,
      seconds: SECONDS,
      connections: CONNECTIONS,
      webhooks: { ...WEBHOOKS, eventsPerRun: QUICK ? 600 : 3000 },
    }),
  koa: onServer((server) =>
    koaVsBareBench(server, { runs: RUNS, seconds: SECONDS, connections: CONNECTIONS }),
  ),
  'cold-start': () => coldStartBench({ runs: QUICK ? 1 : 5 }),
  widget: async () => [
    ...(await onServer(
      async (server) => [
        ...widgetSizeBench(),
        ...(await widgetRenderBench(server, { runs: QUICK ? 2 : 7 })),
      ],
      { widgetPages: true },
    )()),
    // On a server of its own, as `npm start` runs it: the click needs the local Stripe's Stripe.js.
    // A run is a second or so, and its figure swings with the machine's other work: more of them.
    ...(await widgetClickBench({ runs: QUICK ? 2 : 15 })),
  ],
};

const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !(name in SECTIONS));
if (unknown.length) {
  console.error(
    `No such section: ${unknown.join(', ')}. Sections: ${Object.keys(SECTIONS).join(', ')}`,
  );
  process.exit(1);
}

// A throwaway PostgreSQL cluster is stopped when this process exits, Ctrl-C included.
process.once('SIGINT', () => process.exit(130));

const machine = `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GB, Node ${process.version}`;
console.log(`Tilldrop benchmarks${QUICK ? ' (quick: one short run each)' : ''} on ${machine}\n`);
const started = Date.now();
const rows: Row[] = [];
for (const [name, bench] of Object.entries(SECTIONS)) {
  if (wanted.length && !wanted.includes(name)) continue;
  console.error(`… ${name}`);
  rows.push(...(await bench()));
}
console.log(`\n${table(rows)}\n`);
console.log(`${Math.round((Date.now() - started) / 1000)} s in all.`);

// A quick run's figures are too rough to keep, and must not replace a real run's.
if (!QUICK)
  writeFileSync(
    new URL('./results.json', import.meta.url),
    `${JSON.stringify({ date: new Date().toISOString(), machine, runs: RUNS, seconds: SECONDS, connections: CONNECTIONS, rows }, null, 2)}\n`,
  );
