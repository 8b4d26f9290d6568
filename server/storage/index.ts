import type { Db } from './database.ts';
import { checkoutSessionStore } from './checkout-sessions.ts';
import { customerStore } from './customers.ts';
import { entitlementStore } from './entitlements.ts';
import { eventStore } from './events.ts';
import { paymentStore } from './payments.ts';
import { purchaseStore } from './purchases.ts';
import { stripeAccountStore } from './stripe-account.ts';
import { subscriptionStore } from './subscriptions.ts';

export function createStorage(db: Db) {
  return {
    db,
    customers: customerStore(db),
    sessions: checkoutSessionStore(db),
    entitlements: entitlementStore(db),
    subscriptions: subscriptionStore(db),
    purchases: purchaseStore(db),
    payments: paymentStore(db),
    events: eventStore(db),
    stripeAccount: stripeAccountStore(db),
    /** This installation's id, written into the metadata of every session it makes. */
    instanceId: db.prepare<[], { id: string }>('SELECT id FROM installation').get()!.id,
    /** Runs `work` in one SQLite transaction: all of its writes land, or none. */
    transaction: <T>(work: () => T): T => db.transaction(work)(),
    hasPaidBefore: (() => {
      const query = db.prepare<[string, string], { paid: number }>(
        `SELECT EXISTS (SELECT 1 FROM payments WHERE user_id = ? AND status = 'paid')
             OR EXISTS (SELECT 1 FROM purchases WHERE user_id = ?) AS paid`,
      );
      return (userId: string) => query.get(userId, userId)!.paid === 1;
    })(),
    /**
     * Whether the buyer ever had a subscription here, trial or not: a completed checkout counts
     * before its subscription is stored. One free trial per buyer rests on this.
     */
    hasSubscribedBefore: (() => {
      const query = db.prepare<[string, string], { subscribed: number }>(
        `SELECT EXISTS (SELECT 1 FROM subscriptions WHERE user_id = ?)
             OR EXISTS (SELECT 1 FROM checkout_sessions
                        WHERE user_id = ? AND mode = 'subscription' AND status = 'complete')
           AS subscribed`,
      );
      return (userId: string) => query.get(userId, userId)!.subscribed === 1;
    })(),
  };
}

export type Storage = ReturnType<typeof createStorage>;
export { openDatabase, nowSeconds, type Db } from './database.ts';
