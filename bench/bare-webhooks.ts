// The ceiling for webhook ingest: plain node:http, the SDK's signature check on the raw body and
// one INSERT OR IGNORE of the event id into SQLite (WAL, synchronous NORMAL, as the server opens
// it). No routing, no effects, no Stripe read-back: what any receiver of Stripe's events must do.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Database from 'better-sqlite3';
import Stripe from 'stripe';

const secret = process.env.BARE_WEBHOOK_SECRET ?? '';
const db = new Database(process.env.BARE_DATABASE_PATH ?? ':memory:');
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.exec(`CREATE TABLE IF NOT EXISTS stripe_events (
  id TEXT PRIMARY KEY,
  type TEXT NOT NULL,
  created INTEGER NOT NULL,
  processed_at INTEGER NOT NULL
)`);
const record = db.prepare<{ id: string; type: string; created: number; now: number }>(
  'INSERT OR IGNORE INTO stripe_events (id, type, created, processed_at) VALUES (@id, @type, @created, @now)',
);
// constructEvent needs no key; the client is made the way a receiver would make it.
const stripe = new Stripe('sk_test_bare');
const received = Buffer.from('{"received":true}');

const server = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    try {
      const event = stripe.webhooks.constructEvent(
        Buffer.concat(chunks),
        request.headers['stripe-signature'] ?? '',
        secret,
        300,
      );
      record.run({
        id: event.id,
        type: event.type,
        created: event.created,
        now: Math.floor(Date.now() / 1000),
      });
      response.writeHead(200, {
        'content-type': 'application/json; charset=utf-8',
        'content-length': received.length,
      });
      response.end(received);
    } catch {
      response.writeHead(400).end();
    }
  });
});
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.send!({ ready: { url: `http://127.0.0.1:${port}` } });
});
process.once('disconnect', () =>
  server.close(() => {
    db.close();
    process.exit(0);
  }),
);
