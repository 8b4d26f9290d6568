// Webhook ingest: realistic signed events, duplicates mixed in, and every effect counted after;
// beside it, the same deliveries to a bare receiver that only verifies and records them.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WEBHOOK_PATH } from '../server/routes/webhooks.ts';
import { openBenchDatabase, type Counts } from './database.ts';
import { load, type LoadResult } from './load.ts';
import { startChild, type Tilldrop } from './processes.ts';
import type { Row } from './report.ts';
import { figure, repeat } from './stats.ts';
import { webhookEvents, type Delivery } from './webhook-events.ts';

export interface WebhookOptions {
  runs: number;
  /** Distinct events per run, a third each of completed checkouts, paid invoices and refunds. */
  eventsPerRun: number;
  /** Extra deliveries of events already in the run, as a share of the distinct ones. */
  duplicateShare: number;
  connections: number;
}

/** One run's deliveries, signed, and what they must change. */
export interface Batch {
  signed: (Delivery & { signature: string })[];
  unique: number;
  expected: Counts;
  /** Refunded by the next run. */
  paymentIntents: string[];
}

/** One batch sent to the server, and the rows it changed compared with what it had to. */
export interface Ingested {
  result: LoadResult;
  /** Deliveries per second counted until the last of their effects was in the database. */
  appliedPerSecond: number;
  /** Distinct events whose row or effect is missing. */
  lost: number;
  /** Rows or effects beyond one per distinct event. */
  twice: number;
  sent: number;
  unique: number;
}

/**
 * Webhook runs against `server` (every instance of it): `prepare` makes a run's purchases and
 * refunds and signs its deliveries (not timed), `ingest` sends them and counts the rows.
 */
export async function webhookIngest(server: Tilldrop, options: WebhookOptions) {
  const { client: stripe, control, webhookSecret: secret } = server.stripe;
  // Only the bench's deliveries reach the server, so every row counted below came from them.
  await control.holdWebhooks(true);
  const events = await webhookEvents(server, options.connections);
  const db = await openBenchDatabase(server.database);
  // Refunds need purchases that exist: each run refunds purchases the run before it made.
  const refundable: string[] = [];

  return {
    async prepare(run: string): Promise<Batch> {
      const third = Math.floor(options.eventsPerRun / 3);
      // The warm-up has nothing to refund yet, so it sends two thirds of a run.
      const refunds = await events.refunds(refundable.splice(0, third));
      const purchases = await events.purchases(third);
      const unique: Delivery[] = [
        ...purchases.deliveries,
        ...events.invoices(run, third),
        ...refunds,
      ];
      const duplicates = Array.from(
        { length: Math.round(unique.length * options.duplicateShare) },
        () => unique[Math.floor(Math.random() * unique.length)]!,
      );
      // Signatures are only good for five minutes: signed now, just before they are sent.
      const signed = shuffle([...unique, ...duplicates]).map((delivery) => ({
        ...delivery,
        signature: stripe.webhooks.generateTestHeaderString({ payload: delivery.payload, secret }),
      }));
      return {
        signed,
        unique: unique.length,
        // Every distinct event must leave exactly one row and one effect, however often it came.
        expected: {
          events: unique.length,
          purchases: purchases.deliveries.length,
          invoices: third,
          refunds: refunds.length,
        },
        paymentIntents: purchases.paymentIntents,
      };
    },

    async ingest(label: string, batch: Batch): Promise<Ingested> {
      const before = await db.counts();
      const started = performance.now();
      const result = await deliver(label, server.apiUrls, batch, options.connections);
      // Deliveries past what is applied at once were answered from the inbox: the effects follow.
      while ((await db.waiting()) > 0) await new Promise((resolve) => setTimeout(resolve, 5));
      const appliedPerSecond = (1000 * batch.signed.length) / (performance.now() - started);
      const after = await db.counts();
      refundable.push(...batch.paymentIntents);
      let lost = 0;
      let twice = 0;
      for (const key of Object.keys(batch.expected) as (keyof Counts)[]) {
        const surplus = after[key] - before[key] - batch.expected[key];
        if (surplus < 0) lost -= surplus;
        else twice += surplus;
      }
      return {
        result,
        appliedPerSecond,
        lost,
        twice,
        sent: batch.signed.length,
        unique: batch.unique,
      };
    },

    close: () => db.close(),
  };
}

/** Sends a batch, each delivery once, spread over the connections (and the URLs, in turn). */
export function deliver(
  label: string,
  url: string | string[],
  batch: Batch,
  connections: number,
): Promise<LoadResult> {
  let next = 0;
  return load(label, {
    url,
    connections,
    amount: batch.signed.length,
    requests: [
      {
        method: 'POST',
        path: WEBHOOK_PATH,
        setupRequest: (request) => {
          // autocannon builds a request past the end on each connection; those are never sent.
          const delivery = batch.signed[Math.min(next++, batch.signed.length - 1)]!;
          return {
            ...request,
            headers: {
              'content-type': 'application/json; charset=utf-8',
              'stripe-signature': delivery.signature,
            },
            body: delivery.payload,
          };
        },
      },
    ],
  });
}

export async function webhookBench(server: Tilldrop, options: WebhookOptions): Promise<Row[]> {
  const c = options.connections;
  const ours = `webhooks, ${c} conn · signed events in`;
  const bareName = `webhooks, ${c} conn · bare receiver`;
  const ingest = await webhookIngest(server, options);
  const dir = mkdtempSync(join(tmpdir(), 'tilldrop-bare-webhooks-'));
  const bare = await startChild<{ url: string }>('./bare-webhooks.ts', {
    BARE_WEBHOOK_SECRET: server.stripe.webhookSecret,
    BARE_DATABASE_PATH: join(dir, 'events.sqlite'),
  });
  // The same batch to both, which goes first alternating, so drift favours neither.
  const round = async (run: number) => {
    const batch = await ingest.prepare(run < 0 ? 'warm' : `r${run}`);
    const toBare = () => deliver(bareName, bare.ready.url, batch, c);
    const baseline = run % 2 ? await toBare() : undefined;
    const tilldrop = await ingest.ingest(ours, batch);
    return { tilldrop, bare: baseline ?? (await toBare()) };
  };
  try {
    await round(-1);
    const runs = await repeat(options.runs, round);
    const ratio = figure(
      runs.map((run) => (100 * run.tilldrop.result.perSecond) / run.bare.perSecond),
    );
    return [
      ...ingestRows(
        ours,
        runs.map((run) => run.tilldrop),
        { target: '≥ 3,000 events/s', met: (perSecond) => perSecond >= 3000 },
      ),
      {
        name: `${bareName}: node:http, constructEvent, INSERT OR IGNORE`,
        unit: 'events/s',
        value: figure(runs.map((run) => run.bare.perSecond)),
        note: 'the same deliveries, SQLite file',
      },
      {
        name: `webhooks, ${c} conn · Tilldrop / bare receiver`,
        unit: '%',
        value: ratio,
        target: '≥ 70%',
        met: ratio.median >= 70,
      },
    ];
  } finally {
    await bare.stop();
    await ingest.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Events per second, p99 and the exactly-once count of the runs named `name`. */
export function ingestRows(
  name: string,
  runs: readonly Ingested[],
  target?: { target: string; met: (perSecond: number) => boolean },
): Row[] {
  const perSecond = figure(runs.map((run) => run.result.perSecond));
  const wrong = figure(runs.map((run) => run.lost + run.twice));
  const sum = (pick: (run: Ingested) => number) =>
    runs.reduce((total, run) => total + pick(run), 0).toLocaleString('en-US');
  return [
    {
      name,
      unit: 'events/s',
      value: perSecond,
      ...(target ? { target: target.target, met: target.met(perSecond.median) } : {}),
      note: `${Math.round(100 * (runs[0]!.sent / runs[0]!.unique - 1))}% duplicates mixed in`,
    },
    { name: `${name} p99`, unit: 'ms', value: figure(runs.map((run) => run.result.p99)) },
    {
      name: `${name}, all applied`,
      unit: 'events/s',
      value: figure(runs.map((run) => run.appliedPerSecond)),
      note: 'the same deliveries, until the last effect is in the database',
    },
    {
      name: `${name}, lost or applied twice`,
      unit: 'events',
      value: wrong,
      target: '0',
      met: wrong.max === 0,
      note:
        `${sum((run) => run.lost)} lost, ${sum((run) => run.twice)} twice; ` +
        `${sum((run) => run.sent)} deliveries of ${sum((run) => run.unique)} events`,
    },
  ];
}

function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}
