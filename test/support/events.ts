// Builds Stripe events and signs them the way Stripe does, with the SDK's own test helper.
import { randomBytes } from 'node:crypto';
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
