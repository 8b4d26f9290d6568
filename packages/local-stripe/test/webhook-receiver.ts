import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';

export interface WebhookReceiver {
  url: string;
  secret: string;
  /** Verified events in arrival order. */
  events: Stripe.Event[];
  /** Requests whose signature did not verify. */
  rejected: number;
  /** Answer 500 to the next `count` deliveries. */
  failNext(count: number): void;
  /** Resolves once an event of this type (and matching `where`) has arrived. */
  waitFor(type: string, where?: (event: Stripe.Event) => boolean): Promise<Stripe.Event>;
  close(): Promise<void>;
}

const verifier = new Stripe('sk_test_unused');

/** A tiny endpoint that checks every delivery with the SDK's own `constructEvent`. */
export async function startWebhookReceiver(
  secret = 'whsec_test_receiver_secret',
): Promise<WebhookReceiver> {
  const events: Stripe.Event[] = [];
  const waiters: {
    type: string;
    where: (e: Stripe.Event) => boolean;
    resolve: (e: Stripe.Event) => void;
  }[] = [];
  let failures = 0;
  const receiver = {
    rejected: 0,
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (failures > 0) {
        failures -= 1;
        res.writeHead(500).end();
        return;
      }
      const payload = Buffer.concat(chunks).toString('utf8');
      let event: Stripe.Event;
      try {
        event = verifier.webhooks.constructEvent(
          payload,
          String(req.headers['stripe-signature']),
          secret,
        );
      } catch {
        receiver.rejected += 1;
        res.writeHead(400).end();
        return;
      }
      events.push(event);
      for (const waiter of [...waiters]) {
        if (waiter.type === event.type && waiter.where(event)) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(event);
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"received":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/webhooks`,
    secret,
    events,
    get rejected() {
      return receiver.rejected;
    },
    failNext(count) {
      failures = count;
    },
    waitFor(type, where = () => true) {
      const seen = events.find((e) => e.type === type && where(e));
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve) => waiters.push({ type, where, resolve }));
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
