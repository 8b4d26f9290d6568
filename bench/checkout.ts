// Checkout creation through our server, beside the local Stripe's own endpoint called directly
// with the request our server would send for the same purchase.
import { randomUUID } from 'node:crypto';
import type autocannon from 'autocannon';
import { LocalStripeControl } from '../server/local-stripe/control-client.ts';
import { STRIPE_API_VERSION, type Stripe } from '../server/stripe/client.ts';
import { load, type LoadResult } from './load.ts';
import type { Tilldrop } from './processes.ts';
import type { Row } from './report.ts';
import { figure, repeat } from './stats.ts';
import { localStripeClient } from './stripe.ts';

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

interface Side {
  (run: { seconds?: number; amount?: number; connections: number }): Promise<LoadResult>;
}

export async function checkoutBench(server: Tilldrop, options: CheckoutOptions): Promise<Row[]> {
  const { apiUrl, localStripeUrl, localStripeKey } = server.ready;
  const stripe = localStripeClient(localStripeUrl, localStripeKey);
  // A new customer makes the local Stripe send customer.created back into this same process, in
  // the middle of the request being timed; real Stripe does that work on its own machines, later.
  // Webhook ingest has a benchmark of its own.
  await new LocalStripeControl(localStripeUrl).holdWebhooks(true);
  const priceIds = {
    weekly: await priceIdFor(stripe, 'weekly'),
    'one-time': await priceIdFor(stripe, 'one-time'),
  };
  let buyers = 0;
  const buyersWithCustomer: string[] = [];

  // A new user per request: our server reuses an open session for the same user and plan, and
  // every request here must really create one (and, for a new buyer, a Stripe customer first).
  const newBuyers: Side = (run) =>
    load({
      ...target(apiUrl, run),
      requests: [
        {
          ...ourRequest,
          setupRequest: (request, context) => {
            context.userId = `bench-buyer-${++buyers}`;
            return {
              ...request,
              body: JSON.stringify({ userId: context.userId, planId: PLANS.weekly.id }),
            };
          },
          onResponse: (status, _body, context) => {
            if (status === 200) buyersWithCustomer.push(context.userId as string);
          },
        },
      ],
    });
  // Buyers whose Stripe customer exists: one Stripe call, exactly the one made directly.
  const returningBuyers: Side = (run) =>
    load({
      ...target(apiUrl, run),
      requests: [
        {
          ...ourRequest,
          setupRequest: (request) => ({
            ...request,
            body: JSON.stringify({
              userId: buyersWithCustomer.pop(),
              planId: PLANS['one-time'].id,
            }),
          }),
        },
      ],
    });

  // The direct side names an existing customer, as our server always does.
  const customerId = (await stripe.customers.create({ metadata: { userId: 'bench-direct' } })).id;
  const direct =
    (plan: Plan): Side =>
    (run) =>
      load({
        ...target(localStripeUrl, run),
        requests: [
          {
            method: 'POST',
            path: '/v1/checkout/sessions',
            setupRequest: (request) => ({
              ...request,
              headers: {
                authorization: `Bearer ${localStripeKey}`,
                'content-type': 'application/x-www-form-urlencoded',
                'stripe-version': STRIPE_API_VERSION,
                'idempotency-key': randomUUID(),
              },
              body: sessionForm(
                plan,
                priceIds[plan.id],
                customerId,
                `bench-direct-${++buyers}`,
                apiUrl,
              ),
            }),
          },
        ],
      });

  const c = options.connections;
  const seconds = options.seconds;
  const rows: Row[] = [];
  const single = await compare(options.runs, (ours) =>
    (ours ? newBuyers : direct(PLANS.weekly))({ seconds, connections: 1 }),
  );
  rows.push(
    ...describe(
      single,
      { group: 'checkout, 1 conn', ours: 'new buyer', direct: 'weekly' },
      { target: true },
    ),
  );
  const loaded = await compare(options.runs, (ours) =>
    (ours ? newBuyers : direct(PLANS.weekly))({ seconds, connections: c }),
  );
  rows.push(
    ...describe(
      loaded,
      { group: `checkout, ${c} conn`, ours: 'new buyer', direct: 'weekly' },
      { saturated: true },
    ),
  );
  // Every new buyer above now has a customer; share them out between the runs and a warm-up
  // (autocannon builds one request more than it sends).
  const amount = Math.floor(buyersWithCustomer.length / (options.runs + 1)) - 1;
  const returning = await compare(options.runs, (ours) =>
    (ours ? returningBuyers : direct(PLANS['one-time']))({ amount, connections: 1 }),
  );
  rows.push(
    ...describe(
      returning,
      { group: 'checkout, 1 conn', ours: 'returning buyer', direct: 'one-time' },
      {},
    ),
  );
  return rows;
}

const ourRequest: autocannon.RequestStep = {
  method: 'POST',
  path: '/api/create-checkout-session',
  headers: { 'content-type': 'application/json' },
};

function target(url: string, run: { seconds?: number; amount?: number; connections: number }) {
  // autocannon refuses an explicit `duration: undefined`.
  return run.amount
    ? { url, connections: run.connections, amount: run.amount }
    : { url, connections: run.connections, duration: run.seconds };
}

interface Pair {
  ours: LoadResult;
  direct: LoadResult;
}

/** A warm-up of each side, then `runs` pairs, alternating which side goes first against drift. */
async function compare(
  runs: number,
  side: (ours: boolean) => Promise<LoadResult>,
): Promise<Pair[]> {
  await side(true);
  await side(false);
  return repeat(runs, async (run) => {
    const first = await side(run % 2 === 0);
    const second = await side(run % 2 !== 0);
    return run % 2 === 0 ? { ours: first, direct: second } : { ours: second, direct: first };
  });
}

/** How a comparison is named: `checkout, 1 conn · Tilldrop, new buyer p50`. */
interface Labels {
  group: string;
  /** Which buyer our server serves. */
  ours: string;
  /** Which plan's session the local Stripe is asked for. */
  direct: string;
}

function describe(
  pairs: Pair[],
  labels: Labels,
  flags: { target?: boolean; saturated?: boolean },
): Row[] {
  const rows = (name: string, pick: (pair: Pair) => LoadResult): Row[] => {
    const failed = pairs.reduce((sum, pair) => sum + pick(pair).failed, 0);
    const figureOf = (value: (result: LoadResult) => number) =>
      figure(pairs.map((pair) => value(pick(pair))));
    return [
      {
        name: `${labels.group} · ${name}`,
        unit: 'req/s',
        value: figureOf((result) => result.perSecond),
        note: failed ? `${failed} failed` : undefined,
      },
      { name: `${labels.group} · ${name} p50`, unit: 'ms', value: figureOf((r) => r.p50) },
      { name: `${labels.group} · ${name} p99`, unit: 'ms', value: figureOf((r) => r.p99) },
    ];
  };
  const overhead = figure(pairs.map((pair) => pair.ours.p50 - pair.direct.p50));
  return [
    ...rows(`Tilldrop, ${labels.ours}`, (pair) => pair.ours),
    ...rows(`local Stripe direct, ${labels.direct}`, (pair) => pair.direct),
    {
      name: `${labels.group} · overhead at p50, ${labels.ours}`,
      unit: 'ms',
      value: overhead,
      ...(flags.target ? { target: '≤ 1 ms', met: overhead.median <= 1 } : {}),
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

/** The parameters CheckoutService sends for a buyer without a promotion code. */
function sessionForm(
  plan: Plan,
  priceId: string,
  customerId: string,
  userId: string,
  appUrl: string,
) {
  const metadata = { userId, planId: plan.id, plan: plan.plan, billing: plan.billing };
  return formEncode({
    mode: plan.mode,
    line_items: [{ price: priceId, quantity: 1 }],
    customer: customerId,
    client_reference_id: userId,
    metadata,
    ...(plan.mode === 'subscription'
      ? { subscription_data: { metadata } }
      : { payment_intent_data: { metadata } }),
    allow_promotion_codes: true,
    allowed_payment_method_types: ['card'],
    success_url: `${appUrl}/subscription/success?session_id={CHECKOUT_SESSION_ID}`,
    cancel_url: `${appUrl}/subscription?canceled=true`,
    expires_at: Math.floor(Date.now() / 1000) + 24 * 60 * 60 - 60,
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
