// Webhook ingest: realistic signed events, duplicates mixed in, and every effect counted after.
import Database from 'better-sqlite3';
import type Stripe from 'stripe';
import { LocalStripeControl } from '../server/local-stripe/control-client.ts';
import { load } from './load.ts';
import type { Tilldrop } from './processes.ts';
import type { Row } from './report.ts';
import { figure, repeat } from './stats.ts';
import { localStripeClient } from './stripe.ts';

export interface WebhookOptions {
  runs: number;
  /** Distinct events per run, a third each of completed checkouts, paid invoices and refunds. */
  eventsPerRun: number;
  /** Extra deliveries of events already in the run, as a share of the distinct ones. */
  duplicateShare: number;
  connections: number;
}

interface Templates {
  completed: Stripe.Event;
  invoicePaid: Stripe.Event;
  chargeSucceeded: Stripe.Event;
}

/** One planned delivery: which event, and its exact bytes. */
interface Delivery {
  id: string;
  payload: string;
}

interface Counts {
  events: number;
  purchases: number;
  invoices: number;
  refunds: number;
}

export async function webhookBench(server: Tilldrop, options: WebhookOptions): Promise<Row[]> {
  const stripe = localStripeClient(server.ready.localStripeUrl, server.ready.localStripeKey);
  const templates = await templateEvents(server, stripe);
  const db = new Database(server.databasePath, { readonly: true, fileMustExist: true });
  const counts = countRows(db);
  const secret = server.ready.webhookSecret.split(',')[0]!;
  const make = eventMaker(templates);
  // Refunds need purchases that exist: each run refunds purchases the run before it made.
  const refundable: string[] = [];

  const round = async (run: string) => {
    const third = Math.floor(options.eventsPerRun / 3);
    const refunds = refundable.splice(0, third);
    const completed = Array.from(
      { length: options.eventsPerRun - third - refunds.length },
      (_, i) => make.completed(`${run}_${i}`),
    );
    const unique: Delivery[] = [
      ...completed.map((event) => event.delivery),
      ...Array.from({ length: third }, (_, i) => make.invoicePaid(`${run}_${i}`)),
      ...refunds.map((paymentIntent, i) => make.refund(`${run}_${i}`, paymentIntent)),
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
    const result = await load({
      url: server.ready.apiUrl,
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
    refundable.push(...completed.map((event) => event.paymentIntent));
    // Every distinct event must leave exactly one row and one effect, however often it came.
    const expected: Counts = {
      events: unique.length,
      purchases: completed.length,
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
    const failed = runs.reduce((sum, run) => sum + run.result.failed, 0);
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
        note: `${Math.round(options.duplicateShare * 100)}% duplicates mixed in${failed ? `, ${failed} failed` : ''}`,
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

/**
 * Real events from the local Stripe, after one purchase of each kind, so the bench sends the bytes
 * Stripe sends (2 to 3.5 kB each) rather than hand-made stubs.
 */
async function templateEvents(server: Tilldrop, stripe: Stripe): Promise<Templates> {
  const control = new LocalStripeControl(server.ready.localStripeUrl);
  for (const planId of ['one-time', 'weekly']) {
    const response = await fetch(`${server.ready.apiUrl}/api/create-checkout-session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userId: `bench-template-${planId}`, planId }),
    });
    const { sessionId } = (await response.json()) as { sessionId: string };
    const paid = await control.completeSession(sessionId);
    if (!paid.ok)
      throw new Error(`the local Stripe refused to complete ${sessionId}: ${paid.message}`);
  }
  const events = (await stripe.events.list({ limit: 100 })).data;
  const find = (type: string, test: (object: Record<string, unknown>) => boolean = () => true) => {
    const event = events.find(
      (e) => e.type === type && test(e.data.object as unknown as Record<string, unknown>),
    );
    if (!event) throw new Error(`the local Stripe sent no ${type} event`);
    return event;
  };
  return {
    completed: find('checkout.session.completed', (session) => session.mode === 'payment'),
    invoicePaid: find('invoice.paid'),
    chargeSucceeded: find('charge.succeeded'),
  };
}

/** Copies of the templates with fresh ids, so each one is a new purchase, invoice or refund. */
function eventMaker(templates: Templates) {
  const envelope = (template: Stripe.Event, id: string, type: string, object: object) =>
    JSON.stringify({
      ...template,
      id,
      type,
      created: Math.floor(Date.now() / 1000),
      data: { object },
    });
  return {
    completed(key: string) {
      const session = templates.completed.data.object as Stripe.Checkout.Session;
      const userId = `bench-buyer-${key}`;
      const paymentIntent = `pi_bench_${key}`;
      const id = `evt_bench_cs_${key}`;
      const object = {
        ...session,
        id: `cs_bench_${key}`,
        customer: `cus_bench_${key}`,
        client_reference_id: userId,
        payment_intent: paymentIntent,
        metadata: { ...session.metadata, userId, planId: 'one-time' },
      };
      return {
        paymentIntent,
        delivery: {
          id,
          payload: envelope(templates.completed, id, 'checkout.session.completed', object),
        },
      };
    },
    invoicePaid(key: string): Delivery {
      const invoice = templates.invoicePaid.data.object as Stripe.Invoice;
      const id = `evt_bench_in_${key}`;
      const details = invoice.parent?.subscription_details;
      const object = {
        ...invoice,
        id: `in_bench_${key}`,
        customer: `cus_bench_sub_${key}`,
        parent: {
          ...invoice.parent,
          subscription_details: {
            ...details,
            metadata: { ...details?.metadata, userId: `bench-subscriber-${key}` },
          },
        },
      };
      return { id, payload: envelope(templates.invoicePaid, id, 'invoice.paid', object) };
    },
    refund(key: string, paymentIntent: string): Delivery {
      const charge = templates.chargeSucceeded.data.object as Stripe.Charge;
      const id = `evt_bench_re_${key}`;
      const object = {
        ...charge,
        id: `ch_bench_${key}`,
        payment_intent: paymentIntent,
        refunded: true,
        amount_refunded: charge.amount,
      };
      return { id, payload: envelope(templates.chargeSucceeded, id, 'charge.refunded', object) };
    },
  };
}

function countRows(db: Database.Database): () => Counts {
  const count = (sql: string) => db.prepare<[], { n: number }>(sql).pluck(false);
  const events = count(`SELECT COUNT(*) AS n FROM stripe_events WHERE id LIKE 'evt_bench_%'`);
  const purchases = count(
    `SELECT COUNT(*) AS n FROM purchases WHERE payment_intent_id LIKE 'pi_bench_%'`,
  );
  const invoices = count(`SELECT COUNT(*) AS n FROM payments WHERE id LIKE 'in_bench_%'`);
  const refunds = count(
    `SELECT COUNT(*) AS n FROM purchases WHERE payment_intent_id LIKE 'pi_bench_%' AND status = 'refunded'`,
  );
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
