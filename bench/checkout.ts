// Checkout creation through our server, beside the local Stripe's own endpoint called directly
// with the request our server would send for the same purchase.
import { randomUUID } from 'node:crypto';
import { sessionsApi } from '../shared/index.ts';
import { STRIPE_API_VERSION, type Stripe } from '../server/stripe/client.ts';
import { asBuyer, BuyerPool, newBuyerCheckout, type Checkout } from './buyers.ts';
import { openBenchDatabase } from './database.ts';
import { load, type LoadResult } from './load.ts';
import { BENCH_APP_URL, type Tilldrop } from './processes.ts';
import type { Row } from './report.ts';
import { alternating, figure, inParallel, median } from './stats.ts';

export interface CheckoutOptions {
  runs: number;
  seconds: number;
  /** The loaded comparison; the latency comparison always uses one connection. */
  connections: number;
}

const PLANS = {
  weekly: { id: 'weekly', plan: 'weekly', billing: 'weekly', mode: 'subscription' },
  'one-time': { id: 'one-time', plan: 'one-time', billing: 'once', mode: 'payment' },
} as const;
type Plan = (typeof PLANS)[keyof typeof PLANS];

export interface Run {
  seconds?: number;
  amount?: number;
  connections: number;
}

/** One side of a comparison, run as the scenario `label`. */
export type Side = (label: string) => Promise<LoadResult>;

/**
 * Checkouts by a new signed-in buyer per request, through every instance of `server`: our server
 * reuses an open session for the same buyer and plan, and every request here must really create
 * one (and a Stripe customer first). `served` collects the checkouts made.
 */
export async function newBuyerCheckouts(server: Tilldrop) {
  // A new customer makes the local Stripe send customer.created to our server in the middle of
  // the request being timed; real Stripe does that work on its own machines, later. Webhook
  // ingest has a benchmark of its own.
  await server.stripe.control.holdWebhooks(true);
  const newcomers = new BuyerPool(server.tokens, 'bench-buyer');
  const served: Checkout[] = [];
  let mostSent = 0;
  const side =
    (run: Run): Side =>
    async (label) => {
      // Twice the most any run has sent, so the pool never runs dry while a run is timed.
      await newcomers.fill(Math.max(2 * mostSent, (run.seconds ?? 1) * 1000));
      const result = await load(label, {
        ...target(server.apiUrls, run),
        requests: [
          newBuyerCheckout(newcomers, PLANS.weekly.id, (checkout) => served.push(checkout)),
        ],
      });
      mostSent = Math.max(mostSent, result.ok);
      return result;
    };
  return { side, served };
}

export async function checkoutBench(server: Tilldrop, options: CheckoutOptions): Promise<Row[]> {
  const { apiUrls, stripe } = server;
  const priceIds = {
    weekly: await priceIdFor(stripe.client, 'weekly'),
    'one-time': await priceIdFor(stripe.client, 'one-time'),
  };
  const { side: newBuyers, served } = await newBuyerCheckouts(server);

  // Buyers whose customer exists and whose last checkout has expired: exactly the one Stripe call
  // made directly.
  const comingBack: Checkout[] = [];
  const returningBuyers =
    (run: Run): Side =>
    (label) =>
      load(label, {
        ...target(apiUrls, run),
        requests: [
          {
            method: 'POST',
            path: sessionsApi.createCheckoutSession.path,
            setupRequest: (request) => {
              const { buyer } = comingBack.pop() ?? fail('no returning buyer left');
              const body = JSON.stringify({ userId: buyer.userId, planId: PLANS['one-time'].id });
              return { ...request, headers: asBuyer(buyer), body };
            },
          },
        ],
      });

  // The direct side names an existing customer, as our server always does.
  const customerId = (
    await stripe.client.customers.create({ metadata: { userId: 'bench-direct', verified: 'true' } })
  ).id;
  const instanceId = await installationIdOf(server);
  let directBuyers = 0;
  const direct =
    (plan: Plan, run: Run): Side =>
    (label) =>
      load(label, {
        ...target(stripe.url, run),
        requests: [
          {
            method: 'POST',
            path: '/v1/checkout/sessions',
            setupRequest: (request) => ({
              ...request,
              headers: {
                authorization: `Bearer ${stripe.secretKey}`,
                'content-type': 'application/x-www-form-urlencoded',
                'stripe-version': STRIPE_API_VERSION,
                'idempotency-key': `tilldrop-checkout-${randomUUID()}`,
              },
              body: sessionForm({
                plan,
                priceId: priceIds[plan.id],
                customerId,
                userId: `bench-direct-${++directBuyers}`,
                instanceId,
              }),
            }),
          },
        ],
      });

  const { seconds, connections: c } = options;
  const one = { seconds, connections: 1 };
  const many = { seconds, connections: c };
  const singleLabels = { group: 'checkout, 1 conn', ours: 'new buyer', direct: 'weekly' };
  const single = await compare(
    options.runs,
    singleLabels,
    newBuyers(one),
    direct(PLANS.weekly, one),
  );
  const loadedLabels = { group: `checkout, ${c} conn`, ours: 'new buyer', direct: 'weekly' };
  const loaded = await compare(
    options.runs,
    loadedLabels,
    newBuyers(many),
    direct(PLANS.weekly, many),
  );

  // As many returning buyers per run as new ones came in a run of `seconds` at one connection,
  // shared out between the runs and a warm-up (autocannon builds one request more than it sends).
  const perRun = Math.round(seconds * median(single.map((pair) => pair.ours.perSecond)));
  const amount = Math.min(perRun, Math.floor(served.length / (options.runs + 1)) - 1);
  if (amount < 1) fail(`only ${served.length} new buyers were served, too few to come back`);
  comingBack.push(...served.splice(0, (options.runs + 1) * (amount + 1)));
  await expireCheckouts(server, comingBack);
  const returningLabels = {
    group: 'checkout, 1 conn',
    ours: 'returning buyer',
    direct: 'one-time',
  };
  const returning = await compare(
    options.runs,
    returningLabels,
    returningBuyers({ amount, connections: 1 }),
    direct(PLANS['one-time'], { amount, connections: 1 }),
  );

  return [
    ...describe(single, singleLabels, { targetMs: 1 }),
    ...describe(loaded, loadedLabels, { saturated: true }),
    // One Stripe call on each side: what our server adds to it.
    ...describe(returning, returningLabels, { targetMs: 0.7 }),
  ];
}

export function target(url: string | string[], run: Run) {
  // autocannon refuses an explicit `duration: undefined`.
  return run.amount
    ? { url, connections: run.connections, amount: run.amount }
    : { url, connections: run.connections, duration: run.seconds };
}

/**
 * Stripe expires a checkout left open, and says so with checkout.session.expired; our server then
 * knows the buyer has none open, and a buyer who comes back costs one Stripe call, not an expiry
 * first. Webhooks flow while this happens, and are held again after.
 */
async function expireCheckouts(server: Tilldrop, checkouts: Checkout[]): Promise<void> {
  const { client, control } = server.stripe;
  const ids = checkouts.map((checkout) => checkout.sessionId);
  const db = await openBenchDatabase(server.database);
  try {
    await control.holdWebhooks(false);
    await inParallel(checkouts, 8, ({ sessionId }) => client.checkout.sessions.expire(sessionId));
    const deadline = Date.now() + 10_000 + 10 * checkouts.length;
    for (let open = await db.stillOpen(ids); open > 0; open = await db.stillOpen(ids)) {
      if (Date.now() > deadline)
        fail(`${open} of ${checkouts.length} expired checkouts still open on our server`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    await db.close();
    await control.holdWebhooks(true);
  }
}

interface Pair {
  ours: LoadResult;
  direct: LoadResult;
}

/** How a comparison is named: `checkout, 1 conn · Tilldrop, new buyer p50`. */
interface Labels {
  group: string;
  /** Which buyer our server serves. */
  ours: string;
  /** Which plan's session the local Stripe is asked for. */
  direct: string;
}

const oursName = (labels: Labels) => `Tilldrop, ${labels.ours}`;
const directName = (labels: Labels) => `local Stripe direct, ${labels.direct}`;

/** A warm-up of each side, then `runs` pairs, alternating which side goes first against drift. */
async function compare(runs: number, labels: Labels, ours: Side, direct: Side): Promise<Pair[]> {
  const rounds = await alternating(runs, [
    () => ours(`${labels.group} · ${oursName(labels)}`),
    () => direct(`${labels.group} · ${directName(labels)}`),
  ]);
  return rounds.map(([oursResult, directResult]) => ({ ours: oursResult!, direct: directResult! }));
}

function describe(
  pairs: Pair[],
  labels: Labels,
  flags: { targetMs?: number; saturated?: boolean },
): Row[] {
  const rows = (name: string, pick: (pair: Pair) => LoadResult): Row[] => {
    const figureOf = (value: (result: LoadResult) => number) =>
      figure(pairs.map((pair) => value(pick(pair))));
    return [
      { name: `${labels.group} · ${name}`, unit: 'req/s', value: figureOf((r) => r.perSecond) },
      { name: `${labels.group} · ${name} p50`, unit: 'ms', value: figureOf((r) => r.p50) },
      { name: `${labels.group} · ${name} p99`, unit: 'ms', value: figureOf((r) => r.p99) },
    ];
  };
  const overhead = figure(pairs.map((pair) => pair.ours.p50 - pair.direct.p50));
  return [
    ...rows(oursName(labels), (pair) => pair.ours),
    ...rows(directName(labels), (pair) => pair.direct),
    {
      name: `${labels.group} · overhead at p50, ${labels.ours}`,
      unit: 'ms',
      value: overhead,
      ...(flags.targetMs === undefined
        ? {}
        : { target: `≤ ${flags.targetMs} ms`, met: overhead.median <= flags.targetMs }),
      note: flags.saturated ? 'saturated: p50 here is mostly queueing' : undefined,
    },
  ];
}

async function priceIdFor(stripe: Stripe, lookupKey: string) {
  const prices = await stripe.prices.list({ lookup_keys: [lookupKey] });
  const price = prices.data[0];
  if (!price) throw new Error(`the local Stripe has no ${lookupKey} price`);
  return price.id;
}

/** The id our server tags its sessions with, so the direct side's metadata is the same size. */
async function installationIdOf(server: Tilldrop): Promise<string> {
  const db = await openBenchDatabase(server.database);
  try {
    return await db.installationId();
  } finally {
    await db.close();
  }
}

/** The parameters CheckoutService sends for a signed-in buyer without a promotion code. */
function sessionForm(options: {
  plan: Plan;
  priceId: string;
  customerId: string;
  userId: string;
  instanceId: string;
}) {
  const { plan, userId } = options;
  const metadata = {
    userId,
    verified: 'true',
    planId: plan.id,
    plan: plan.plan,
    billing: plan.billing,
    tilldropInstance: options.instanceId,
  };
  return formEncode({
    mode: plan.mode,
    line_items: [{ price: options.priceId, quantity: 1 }],
    customer: options.customerId,
    client_reference_id: userId,
    metadata,
    ...(plan.mode === 'subscription'
      ? { subscription_data: { metadata } }
      : { payment_intent_data: { metadata } }),
    allowed_payment_method_types: ['card'],
    success_url: `${BENCH_APP_URL}/subscription/success?session_id={CHECKOUT_SESSION_ID}`,
    cancel_url: `${BENCH_APP_URL}/subscription?canceled=true`,
  });
}

/** The SDK's encoding: nested keys in brackets, arrays by index, brackets left readable. */
function formEncode(data: Record<string, unknown>): string {
  const pairs: string[] = [];
  const encode = (value: string) =>
    encodeURIComponent(value).replace(/%5B/g, '[').replace(/%5D/g, ']');
  const add = (key: string, value: unknown) => {
    if (value === undefined) return;
    if (value === null || typeof value !== 'object') {
      pairs.push(`${encode(key)}=${encode(String(value))}`);
      return;
    }
    for (const [k, v] of Object.entries(value)) add(`${key}[${k}]`, v);
  };
  for (const [key, value] of Object.entries(data)) add(key, value);
  return pairs.join('&');
}

function fail(message: string): never {
  throw new Error(`checkout: ${message}`);
}
