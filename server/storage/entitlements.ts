import type Stripe from 'stripe';
import type { Billing, PlanName } from '../../shared/index.ts';
import type { Db } from './database.ts';

export interface Entitlement {
  user_id: string;
  plan: PlanName;
  billing: Billing;
  catalog_id: string;
  source: 'subscription' | 'lifetime';
  /** The subscription's status; `active` for lifetime access. */
  status: Stripe.Subscription.Status;
  subscription_id: string | null;
  updated_at: number;
}

/**
 * Statuses of a subscription that still exists and would bill again, so a second checkout for it
 * is refused. Past-due and unpaid ones carry their status: whether they keep access is the site
 * owner's call, made by reading `status`.
 */
export const LIVE_SUBSCRIPTION_STATUSES = ['trialing', 'active', 'past_due', 'unpaid'] as const;
const live = LIVE_SUBSCRIPTION_STATUSES.map((status) => `'${status}'`).join(', ');

export function entitlementStore(db: Db) {
  const byUser = db.prepare<[string], Entitlement>('SELECT * FROM entitlements WHERE user_id = ?');
  const remove = db.prepare<[string]>('DELETE FROM entitlements WHERE user_id = ?');
  // Lifetime access wins over any subscription; among subscriptions the one that runs longest.
  const derive = db.prepare<{ userId: string; now: number }>(`
    INSERT INTO entitlements (user_id, plan, billing, catalog_id, source, status, subscription_id, updated_at)
    SELECT user_id, plan, billing, catalog_id, source, status, subscription_id, CAST(@now AS BIGINT)
    FROM (
      SELECT user_id, 'one-time' AS plan, 'once' AS billing, catalog_id, 'lifetime' AS source,
             'active' AS status, NULL AS subscription_id, 0 AS rank, created_at AS ends
      FROM purchases WHERE user_id = @userId AND status = 'paid'
      UNION ALL
      SELECT user_id, plan, billing, catalog_id, 'subscription', status, id, 1,
             COALESCE(current_period_end, 0)
      FROM subscriptions
      WHERE user_id = @userId AND status IN (${live}) AND plan IS NOT NULL
      ORDER BY rank, ends DESC LIMIT 1
    ) AS best WHERE true
    ON CONFLICT (user_id) DO UPDATE SET plan = excluded.plan, billing = excluded.billing,
      catalog_id = excluded.catalog_id, source = excluded.source, status = excluded.status,
      subscription_id = excluded.subscription_id, updated_at = excluded.updated_at`);

  return {
    get: (userId: string) => byUser.get(userId),
    /** Recomputes what the user has from their purchases and subscriptions; call on the writing transaction. */
    async refresh(userId: string, now: number): Promise<void> {
      await remove.run(userId);
      await derive.run({ userId, now });
    },
  };
}
