import type Stripe from 'stripe';
import type { Billing, PlanName } from '../../shared/index.ts';
import type { Db } from './database.ts';

export interface StoredSubscription {
  id: string;
  user_id: string;
  customer_id: string;
  catalog_id: string | null;
  plan: PlanName | null;
  billing: Billing | null;
  price_id: string;
  status: Stripe.Subscription.Status;
  cancel_at_period_end: number;
  current_period_start: number | null;
  current_period_end: number | null;
  canceled_at: number | null;
  ended_at: number | null;
  /** The plan the subscription's schedule moves it to at `scheduled_at`, if any. */
  scheduled_plan: PlanName | null;
  scheduled_billing: Billing | null;
  scheduled_at: number | null;
  /** When the free trial ends (null for a subscription that never had one). */
  trial_end: number | null;
  stripe_updated_at: number;
  updated_at: number;
}

export function subscriptionStore(db: Db) {
  const byId = db.prepare<[string], StoredSubscription>('SELECT * FROM subscriptions WHERE id = ?');
  // Newest at Stripe first. Stripe stamps whole seconds, so one ending and another starting in the
  // same second tie: the live one is the buyer's, whichever of their events was applied last.
  const forUser = db.prepare<[string], StoredSubscription>(
    `SELECT * FROM subscriptions WHERE user_id = ?
     ORDER BY stripe_updated_at DESC,
       CASE WHEN status IN ('canceled', 'incomplete_expired') THEN 1 ELSE 0 END, updated_at DESC`,
  );
  const upsert = db.prepare<StoredSubscription>(`
    INSERT INTO subscriptions (id, user_id, customer_id, catalog_id, plan, billing, price_id, status,
      cancel_at_period_end, current_period_start, current_period_end, canceled_at, ended_at,
      scheduled_plan, scheduled_billing, scheduled_at, trial_end, stripe_updated_at, updated_at)
    VALUES (@id, @user_id, @customer_id, @catalog_id, @plan, @billing, @price_id, @status,
      @cancel_at_period_end, @current_period_start, @current_period_end, @canceled_at, @ended_at,
      @scheduled_plan, @scheduled_billing, @scheduled_at, @trial_end, @stripe_updated_at,
      @updated_at)
    ON CONFLICT (id) DO UPDATE SET user_id = excluded.user_id, customer_id = excluded.customer_id,
      catalog_id = excluded.catalog_id, plan = excluded.plan, billing = excluded.billing,
      price_id = excluded.price_id, status = excluded.status,
      cancel_at_period_end = excluded.cancel_at_period_end,
      current_period_start = excluded.current_period_start,
      current_period_end = excluded.current_period_end, canceled_at = excluded.canceled_at,
      ended_at = excluded.ended_at, scheduled_plan = excluded.scheduled_plan,
      scheduled_billing = excluded.scheduled_billing, scheduled_at = excluded.scheduled_at,
      trial_end = excluded.trial_end,
      stripe_updated_at = excluded.stripe_updated_at,
      updated_at = excluded.updated_at
    WHERE excluded.stripe_updated_at >= subscriptions.stripe_updated_at`);

  return {
    find: (id: string) => byId.get(id),
    listForUser: (userId: string) => forUser.all(userId),
    save: (subscription: StoredSubscription) => upsert.run(subscription),
  };
}
