// What a webhook run sends: the local Stripe's own events for purchases and refunds made for the
// run, and copies of a real invoice.paid with fresh ids.
import type Stripe from 'stripe';
import { sessionsApi } from '../shared/index.ts';
import { asBuyer, BuyerPool, newBuyerCheckout, type Checkout } from './buyers.ts';
import { load } from './load.ts';
import type { Tilldrop } from './processes.ts';
import { inParallel } from './stats.ts';

/** One planned delivery: which event, and its exact bytes. */
export interface Delivery {
  id: string;
  payload: string;
}

export interface Purchases {
  deliveries: Delivery[];
  /** What a later run refunds. */
  paymentIntents: string[];
}

/** Requests in flight while a run is set up; the setup is never timed. */
const SETUP_CONCURRENCY = 10;

const idOf = (value: string | { id: string } | null) =>
  typeof value === 'string' ? value : (value?.id ?? null);

/**
 * The server reads back from Stripe what an event alone cannot prove (that a session is one it
 * made, that a charge is refunded in full), so purchases and refunds are real: checkouts made
 * through our API, paid and refunded at the local Stripe, and the events it wrote for them. They
 * are sent by the bench, signed with the endpoint's secret, while the local Stripe holds its own
 * deliveries. Invoices are read from nowhere but the event, so they are copies of one.
 */
export async function webhookEvents(server: Tilldrop, connections: number) {
  const stripe = server.stripe.client;
  const buyers = new BuyerPool(server.tokens, 'bench-buyer');
  const invoiceTemplate = await firstInvoicePaid(server);

  return {
    /** `count` one-time purchases, each a new buyer's checkout through our server, paid. */
    async purchases(count: number): Promise<Purchases> {
      const checkouts: Checkout[] = [];
      // autocannon builds one request more than it sends on each connection.
      await buyers.fill(count + connections);
      await load('webhooks · checkouts to pay', {
        url: server.apiUrls,
        connections,
        amount: count,
        requests: [newBuyerCheckout(buyers, 'one-time', (checkout) => checkouts.push(checkout))],
      });
      await inParallel(checkouts, SETUP_CONCURRENCY, ({ sessionId }) => pay(server, sessionId));
      const sessions = new Set(checkouts.map((checkout) => checkout.sessionId));
      const events = await eventsFor(stripe, 'checkout.session.completed', sessions);
      return {
        deliveries: events.map(deliveryOf),
        paymentIntents: events.map((event) =>
          idOf((event.data.object as Stripe.Checkout.Session).payment_intent)!,
        ),
      };
    },

    /** Full refunds of these purchases: one charge.refunded each. */
    async refunds(paymentIntents: string[]): Promise<Delivery[]> {
      const charges = new Set<string>();
      await inParallel(paymentIntents, SETUP_CONCURRENCY, async (paymentIntent) => {
        const refund = await stripe.refunds.create({ payment_intent: paymentIntent });
        charges.add(idOf(refund.charge)!);
      });
      return (await eventsFor(stripe, 'charge.refunded', charges)).map(deliveryOf);
    },

    /** `count` paid invoices, each of a new subscriber. */
    invoices(run: string, count: number): Delivery[] {
      return Array.from({ length: count }, (_, i) => invoiceCopy(invoiceTemplate, `${run}_${i}`));
    },
  };
}

async function pay(server: Tilldrop, sessionId: string): Promise<void> {
  const paid = await server.stripe.control.completeSession(sessionId);
  if (!paid.ok)
    throw new Error(`webhooks: the local Stripe refused to pay for ${sessionId}: ${paid.message}`);
}

const deliveryOf = (event: Stripe.Event): Delivery => ({
  id: event.id,
  payload: JSON.stringify(event),
});

/** The newest events of `type` whose objects are `objectIds`, one each. */
async function eventsFor(
  stripe: Stripe,
  type: string,
  objectIds: ReadonlySet<string>,
): Promise<Stripe.Event[]> {
  const found: Stripe.Event[] = [];
  if (objectIds.size === 0) return found;
  for await (const event of stripe.events.list({ type, limit: 100 })) {
    if (objectIds.has((event.data.object as { id: string }).id)) found.push(event);
    if (found.length === objectIds.size) return found;
  }
  throw new Error(`webhooks: the local Stripe wrote ${found.length} of ${objectIds.size} ${type}`);
}

/** A weekly subscription bought through our server and paid: Stripe's invoice.paid for it. */
async function firstInvoicePaid(server: Tilldrop): Promise<Stripe.Event> {
  const userId = 'bench-template-weekly';
  const buyer = { userId, token: await server.tokens.sign(userId) };
  const response = await fetch(`${server.apiUrl}${sessionsApi.createCheckoutSession.path}`, {
    method: 'POST',
    headers: asBuyer(buyer),
    body: JSON.stringify({ userId, planId: 'weekly' }),
  });
  if (!response.ok)
    throw new Error(
      `webhooks: a weekly checkout answered ${response.status}: ${await response.text()}`,
    );
  const { sessionId } = (await response.json()) as { sessionId: string };
  await pay(server, sessionId);
  const events = await server.stripe.client.events.list({ type: 'invoice.paid', limit: 1 });
  const event = events.data[0];
  if (!event) throw new Error('webhooks: the local Stripe wrote no invoice.paid');
  return event;
}

/** The invoice of another subscriber, whose customer the server has not seen. */
function invoiceCopy(template: Stripe.Event, key: string): Delivery {
  const invoice = template.data.object as Stripe.Invoice;
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
        subscription: `sub_bench_${key}`,
        metadata: { ...details?.metadata, userId: `bench-subscriber-${key}` },
      },
    },
  };
  const created = Math.floor(Date.now() / 1000);
  return {
    id,
    payload: JSON.stringify({ ...template, id, created, data: { object } }),
  };
}
