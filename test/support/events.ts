// Builds Stripe events and signs them the way Stripe does, with the SDK's own test helper.
import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import type Stripe from 'stripe';
import { request, type Stack } from './stack.ts';

let sequence = 0;

export function makeEvent<T extends object>(
  type: string,
  object: T,
  options: { id?: string; created?: number } = {},
) {
  return {
    id: options.id ?? `evt_test_${randomBytes(12).toString('hex')}${++sequence}`,
    object: 'event',
    api_version: '2026-10-28.endive',
    created: options.created ?? Math.floor(Date.now() / 1000),
    data: { object },
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
  };
}

export function sign(
  stack: Stack,
  payload: string,
  options: { secret?: string; timestamp?: number } = {},
): string {
  return stack.stripe.webhooks.generateTestHeaderString({
    payload,
    secret: options.secret ?? stack.running.webhookSecret.split(',')[0]!,
    timestamp: options.timestamp,
  });
}

/** Sends an event to the server's webhook endpoint, signed unless a signature is given. */
export function deliver(
  stack: Stack,
  event: object,
  options: { signature?: string; secret?: string; timestamp?: number } = {},
) {
  const payload = JSON.stringify(event);
  return request(stack.apiUrl, 'POST', '/api/webhooks/stripe', {
    rawBody: payload,
    headers: {
      'content-type': 'application/json',
      'stripe-signature': options.signature ?? sign(stack, payload, options),
    },
  });
}

/**
 * Delivers the events as one burst: every request's headers are sent first, and their bodies only
 * once the server has had time to see them all, so every delivery is arriving at once.
 */
export async function deliverAtOnce(
  stack: Stack,
  events: readonly object[],
): Promise<{ status: number; body: any }[]> {
  const url = new URL('/api/webhooks/stripe', stack.apiUrl);
  const sends = events.map((event) => {
    const payload = JSON.stringify(event);
    const outgoing = httpRequest(url, {
      method: 'POST',
      agent: false,
      headers: {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(payload),
        'stripe-signature': sign(stack, payload),
      },
    });
    outgoing.flushHeaders();
    const answer = new Promise<{ status: number; body: any }>((resolve, reject) => {
      outgoing.once('error', reject);
      outgoing.once('response', (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.once('end', () =>
          resolve({ status: response.statusCode!, body: JSON.parse(text) }),
        );
      });
    });
    return { outgoing, payload, answer };
  });
  await new Promise((resolve) => setTimeout(resolve, 200));
  for (const { outgoing, payload } of sends) outgoing.end(payload);
  return Promise.all(sends.map((send) => send.answer));
}

/** A subscription object with just what a webhook handler reads, for hand-made lifecycles. */
export function subscriptionObject(options: {
  id: string;
  customer: string;
  userId: string;
  priceId: string;
  status: Stripe.Subscription.Status;
  periodStart: number;
  periodEnd: number;
  cancelAtPeriodEnd?: boolean;
}) {
  return {
    id: options.id,
    object: 'subscription',
    customer: options.customer,
    metadata: { userId: options.userId },
    status: options.status,
    cancel_at_period_end: options.cancelAtPeriodEnd ?? false,
    canceled_at: options.status === 'canceled' ? options.periodEnd : null,
    ended_at: options.status === 'canceled' ? options.periodEnd : null,
    items: {
      object: 'list',
      data: [
        {
          id: `si_${options.id}`,
          price: { id: options.priceId },
          current_period_start: options.periodStart,
          current_period_end: options.periodEnd,
        },
      ],
    },
  };
}

export async function priceIdOf(stack: Stack, lookupKey: string): Promise<string> {
  const prices = await stack.stripe.prices.list({ lookup_keys: [lookupKey] });
  return prices.data[0]!.id;
}

export async function count(
  stack: Stack,
  table: string,
  where = '1 = 1',
  ...params: unknown[]
): Promise<number> {
  return (
    (await stack.running.storage.db
      .prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE ${where}`)
      .get(...params)) as { n: number }
  ).n;
}

/** A failing disk, as each database would report it: every insert into purchases refused. */
export const REFUSE_PURCHASES = {
  sqlite: {
    create: `CREATE TRIGGER refuse_purchase BEFORE INSERT ON purchases
             BEGIN SELECT RAISE(ABORT, 'disk full'); END`,
    drop: 'DROP TRIGGER refuse_purchase',
  },
  postgres: {
    create: `CREATE FUNCTION refuse_purchase() RETURNS trigger LANGUAGE plpgsql
               AS $$ BEGIN RAISE EXCEPTION 'disk full'; END $$;
             CREATE TRIGGER refuse_purchase BEFORE INSERT ON purchases
               FOR EACH ROW EXECUTE FUNCTION refuse_purchase()`,
    drop: 'DROP TRIGGER refuse_purchase ON purchases; DROP FUNCTION refuse_purchase()',
  },
};

/** A paid one-time session for `userId`, made through the API, as Stripe would send it completed. */
export async function paidLifetimeSession(stack: Stack, userId: string) {
  const created = await request(stack.apiUrl, 'POST', '/api/create-checkout-session', {
    token: await stack.tokenFor(userId),
    body: { userId, planId: 'one-time' },
  });
  const session = await stack.stripe.checkout.sessions.retrieve(created.body.sessionId);
  return {
    ...session,
    status: 'complete',
    payment_status: 'paid',
    payment_intent: `pi_${created.body.sessionId.slice(-20)}`,
    amount_total: 14900,
  };
}
