import type Stripe from 'stripe';
import type { Core } from '../core.ts';
import { emitEvent } from './events.ts';

/** Closes an open session for good; call inside a transaction. */
export function expireSession(
  core: Core,
  session: Stripe.Checkout.Session,
): Stripe.Checkout.Session {
  const expired = core.store.checkoutSessions.update({ ...session, status: 'expired', url: null });
  emitEvent(core, 'checkout.session.expired', expired);
  return expired;
}

/** Expires every open session whose `expires_at` the clock has reached. */
export function expireDueSessions(core: Core): number {
  const now = core.clock.now();
  const due = core.store.checkoutSessions
    .findBy('status', 'open')
    .filter((s) => s.expires_at <= now)
    .reverse();
  core.db.transaction(() => {
    for (const session of due) expireSession(core, session);
  })();
  return due.length;
}
