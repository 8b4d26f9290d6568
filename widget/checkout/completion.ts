// After Stripe.js says the buyer paid: wait until the server has recorded the purchase, so a page
// that reacts to `checkout-complete` never reads "not subscribed".
import type { Entitlement } from '../../shared/api/account.ts';
import { getAccount, getCheckoutSession, type RequestOptions } from '../client.ts';
import { warn } from '../failure.ts';

const FIRST_WAIT_MS = 500;
const LONGEST_WAIT_MS = 5_000;
/** Longer than Stripe takes to retry a failed webhook a few times. */
const GIVE_UP_AFTER_MS = 10 * 60_000;

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Asks `GET /payment/checkout/{id}` (which asks Stripe while the session is open, so it does not
 * wait for the webhook) until the purchase is recorded, then `GET /api/subscription` until the
 * buyer has it: a subscription's entitlement comes with the subscription's own webhook.
 * Undefined if that never happens while the page is open.
 */
export async function waitForPurchase(
  sessionId: string,
  options: RequestOptions,
): Promise<Entitlement | undefined> {
  const { api, token } = options;
  const started = Date.now();
  for (let wait = FIRST_WAIT_MS; Date.now() - started < GIVE_UP_AFTER_MS;) {
    const answer = await getCheckoutSession(sessionId, { api, token });
    if (answer.success && answer.data.fulfilled) {
      const account = await getAccount({ api, token }).catch(() => undefined);
      if (account?.entitlement) return account.entitlement;
    }
    await pause(wait);
    wait = Math.min(wait * 1.5, LONGEST_WAIT_MS);
  }
  warn(`the purchase in checkout session ${sessionId} was not recorded in time`);
  return undefined;
}
