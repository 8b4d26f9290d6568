// Webhook ingest: realistic signed events, duplicates mixed in, and every effect counted after.
import Database from 'better-sqlite3';
import { load } from './load.ts';
import type { Tilldrop } from './processes.ts';
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

interface Counts {
  events: number;
  purchases: number;
  invoices: number;
  refunds: number;
}

export async function webhookBench(server: Tilldrop, options: WebhookOptions): Promise<Row[]> {
  const { client: stripe, control, webhookSecret: secret } = server.stripe;
  // Only the bench's deliveries reach the server, so every row counted below came from them.
  await control.holdWebhooks(true);
  const events = await webhookEvents(server, options.connections);
  const db = new Database(server.databasePath, { readonly: true, fileMustExist: true });
  const counts = countRows(db);
  // Refunds need purchases that exist: each run refunds purchases the run before it made.
  const refundable: string[] = [];

  const round = async (run: string) => {
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
    const queue = shuffle([...unique, ...duplicates]);
    const before = counts();
    // Signatures are only good for five minutes: signed now, just before they are sent.
    const signed = queue.map((delivery) => ({
      ...delivery,
      signature: stripe.webhooks.generateTestHeaderString({ payload: delivery.payload, secret }),
    }));
    let next = 0;
    const result = await load(`webhooks, ${options.connections} conn · signed events in`, {
      url: server.apiUrl,
      connections: options.connections,
      amount: signed.length,
      requests: [
        {
          method: 'POST',
          path: '/api/webhooks/stripe',
          setupRequest: (request) => {
            // autocannon builds a request past the end on each connection; those are never sent.
            const delivery = signed[Math.min(next++, signed.length - 1)]!;
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
    const after = counts();
    refundable.push(...purchases.paymentIntents);
    // Every distinct event must leave exactly one row and one effect, however often it came.
    const expected: Counts = {
      events: unique.length,
      purchases: purchases.deliveries.length,
      invoices: third,
      refunds: refunds.length,
    };
    const mismatch = (Object.keys(expected) as (keyof Counts)[]).reduce(
      (sum, key) => sum + Math.abs(after[key] - before[key] - expected[key]),
      0,
    );
    return { result, mismatch, sent: signed.length, unique: unique.length };
  };

  try {
    await round('warm');
    const runs = await repeat(options.runs, (run) => round(`r${run}`));
    const unique = runs.reduce((sum, run) => sum + run.unique, 0);
    const sent = runs.reduce((sum, run) => sum + run.sent, 0);
    const perSecond = figure(runs.map((run) => run.result.perSecond));
    const lost = figure(runs.map((run) => run.mismatch));
    return [
      {
        name: `webhooks, ${options.connections} conn · signed events in`,
        unit: 'events/s',
        value: perSecond,
        target: '≥ 3,000 events/s',
        met: perSecond.median >= 3000,
        note: `${Math.round(options.duplicateShare * 100)}% duplicates mixed in`,
      },
      {
        name: `webhooks, ${options.connections} conn · p99`,
        unit: 'ms',
        value: figure(runs.map((run) => run.result.p99)),
      },
      {
        name: 'webhooks · events lost or applied twice',
        unit: 'events',
        value: lost,
        target: '0',
        met: lost.max === 0,
        note: `${sent.toLocaleString('en-US')} deliveries of ${unique.toLocaleString('en-US')} events; rows and effects = unique events`,
      },
    ];
  } finally {
    db.close();
  }
}

/** Totals: with the local Stripe's own deliveries held, only the bench's change them. */
function countRows(db: Database.Database): () => Counts {
  const count = (sql: string) => db.prepare<[], { n: number }>(sql);
  const events = count(`SELECT COUNT(*) AS n FROM stripe_events`);
  const purchases = count(`SELECT COUNT(*) AS n FROM purchases`);
  const invoices = count(`SELECT COUNT(*) AS n FROM payments WHERE kind = 'invoice'`);
  const refunds = count(`SELECT COUNT(*) AS n FROM purchases WHERE status = 'refunded'`);
  return () => ({
    events: events.get()!.n,
    purchases: purchases.get()!.n,
    invoices: invoices.get()!.n,
    refunds: refunds.get()!.n,
  });
}

function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}
