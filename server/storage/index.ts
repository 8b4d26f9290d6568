import { openDatabase, type DatabaseLocation } from './database.ts';
import type { Sql } from './sql.ts';
import { checkoutSessionStore } from './checkout-sessions.ts';
import { customerStore } from './customers.ts';
import { entitlementStore } from './entitlements.ts';
import { eventStore } from './events.ts';
import { inboxStore } from './inbox.ts';
import { paymentStore } from './payments.ts';
import { purchaseStore } from './purchases.ts';
import { stripeAccountStore } from './stripe-account.ts';
import { subscriptionStore } from './subscriptions.ts';

/** Opens the database (PostgreSQL for a URL, else SQLite), migrated, with its stores. */
export async function openStorage(location: DatabaseLocation): Promise<Storage> {
  const db = await openDatabase(location);
  const row = await db.prepare<[], { id: string }>('SELECT id FROM installation').get();
  return createStorage(db, row!.id);
}

export interface Storage extends ReturnType<typeof storesOn> {
  /**
   * Runs `work` in one transaction, with the stores on it (`tx`): all of its writes land, or
   * none. Nothing inside may wait on Stripe: the transaction holds its rows (and, on SQLite, the
   * whole database) until it ends.
   */
  transaction<T>(work: (tx: Storage) => Promise<T>): Promise<T>;
}

/** The stores on one connection or one transaction; SQL lives here and nowhere else. */
export function createStorage(db: Sql, instanceId: string): Storage {
  // SQLite hands every transaction the same connection, so its stores are built once, not once
  // per webhook; each PostgreSQL transaction has a client of its own, and stores of their own.
  const onTransaction = new WeakMap<Sql, Storage>();
  const storageOn = (tx: Sql) => {
    let storage = onTransaction.get(tx);
    if (!storage) onTransaction.set(tx, (storage = createStorage(tx, instanceId)));
    return storage;
  };
  return {
    ...storesOn(db, instanceId),
    transaction: (work) => db.transaction((tx) => work(storageOn(tx))),
  };
}

function storesOn(db: Sql, instanceId: string) {
  const hasPaid = db.prepare<[string, string], { paid: number }>(
    `SELECT CASE WHEN EXISTS (SELECT 1 FROM payments WHERE user_id = ? AND status = 'paid')
             OR EXISTS (SELECT 1 FROM purchases WHERE user_id = ?) THEN 1 ELSE 0 END AS paid`,
  );
  const hasSubscribed = db.prepare<[string, string], { subscribed: number }>(
    `SELECT CASE WHEN EXISTS (SELECT 1 FROM subscriptions WHERE user_id = ?)
             OR EXISTS (SELECT 1 FROM checkout_sessions
                        WHERE user_id = ? AND mode = 'subscription' AND status = 'complete')
           THEN 1 ELSE 0 END AS subscribed`,
  );
  return {
    db,
    customers: customerStore(db),
    sessions: checkoutSessionStore(db),
    entitlements: entitlementStore(db),
    subscriptions: subscriptionStore(db),
    purchases: purchaseStore(db),
    payments: paymentStore(db),
    events: eventStore(db),
    inbox: inboxStore(db),
    stripeAccount: stripeAccountStore(db),
    /** This installation's id, written into the metadata of every session it makes. */
    instanceId,
    /**
     * Runs `work` while no other request for the same buyer runs, on any instance sharing the
     * database (a PostgreSQL advisory lock; SQLite serves one process, so a queue in it).
     */
    forBuyer: <T>(ownerId: string, work: () => Promise<T>): Promise<T> =>
      db.exclusive(`buyer:${ownerId}`, work),
    hasPaidBefore: async (userId: string) => (await hasPaid.get(userId, userId))!.paid === 1,
    /**
     * Whether the buyer ever had a subscription here, trial or not: a completed checkout counts
     * before its subscription is stored. One free trial per buyer rests on this.
     */
    hasSubscribedBefore: async (userId: string) =>
      (await hasSubscribed.get(userId, userId))!.subscribed === 1,
    close: () => db.close(),
  };
}

export { openDatabase, nowSeconds, type Db, type DatabaseLocation } from './database.ts';
