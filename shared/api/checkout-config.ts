// What the widget needs to open Stripe's embedded checkout in the page: read on the first click,
// never on page load.
import { z } from 'zod';
import { endpoint } from '../contract.ts';
import { CHECKOUT_CONFIG_PATH } from './paths.ts';

export const CheckoutConfig = z.object({
  /** The key Stripe.js is called with; null when none is configured, so only the redirect works. */
  publishableKey: z.string().nullable(),
  /**
   * Only with the bundled local Stripe: its stand-in for Stripe.js, loaded before `loadStripe`,
   * which then uses it instead of js.stripe.com.
   */
  stripeJsUrl: z.url().optional(),
});
export type CheckoutConfig = z.infer<typeof CheckoutConfig>;

export const checkoutConfigApi = {
  getCheckoutConfig: endpoint({
    method: 'GET',
    path: CHECKOUT_CONFIG_PATH,
    dialect: 'api',
    auth: 'none',
    responses: { 200: CheckoutConfig },
  }),
};
