import type { Logger } from 'pino';
import type Stripe from 'stripe';
import { nowSeconds, type Storage } from '../storage/index.ts';
import type { StripeAccount } from '../storage/stripe-account.ts';

/** Live-mode keys say so (`sk_live_…`, `rk_live_…`); every other key acts in test mode. */
export const livemodeOf = (secretKey: string): boolean => /^[sr]k_live_/.test(secretKey);

const describe = (account: StripeAccount) =>
  `${account.id} (${account.livemode ? 'live' : 'test'} mode)`;

/**
 * Binds the database to the Stripe account and mode the key belongs to, at start. Customer and
 * session ids exist only in the account that made them: after a move to another account (or
 * from test to live mode) every returning buyer's checkout would fail with "No such customer".
 * So the old customers are set aside, for the record, and the old open sessions closed; returning
 * buyers get new customers in the new account.
 */
export async function bindStripeAccount(deps: {
  stripe: Stripe;
  storage: Storage;
  secretKey: string;
  logger: Logger;
}): Promise<void> {
  const { stripe, storage, logger } = deps;
  let id: string;
  try {
    ({ id } = await stripe.accounts.retrieveCurrent());
  } catch (error) {
    // A restricted key may not read the account, and Stripe may be down: start anyway.
    logger.warn(
      { err: error },
      'Could not read the Stripe account: the customer ids stored here are not checked against it',
    );
    return;
  }
  const current = { id, livemode: livemodeOf(deps.secretKey) };
  const bound = await storage.stripeAccount.bound();
  if (bound?.id === current.id && bound.livemode === current.livemode) return;
  if (!bound) {
    await storage.stripeAccount.bind(current, nowSeconds());
    logger.info({ stripeAccount: current.id }, `Stripe ids here belong to ${describe(current)}`);
    return;
  }
  const setAside = await storage.transaction(async (tx) => {
    const now = nowSeconds();
    const customers = await tx.customers.setAsideAll(bound, now);
    const sessions = await tx.sessions.closeAllOpen();
    await tx.stripeAccount.bind(current, now);
    return { customers, sessions };
  });
  logger.warn(
    { previousStripeAccount: bound.id, stripeAccount: current.id, ...setAside },
    `Stripe account changed from ${describe(bound)} to ${describe(current)}: ` +
      `${setAside.customers} customers set aside and ${setAside.sessions} open checkout sessions ` +
      'closed; returning buyers get new customers',
  );
}
