// What the embedded checkout (its framed page and the Stripe.js stand-in) needs from the core,
// on top of everything the hosted checkout page needs.
import type { CheckoutFlow } from './flows.ts';

export type EmbeddedOpenResult =
  | { ok: true; sessionId: string }
  | {
      ok: false;
      status: 400 | 401;
      type: 'invalid_request_error' | 'authentication_error';
      message: string;
    };

export interface EmbeddedCheckoutFlow extends CheckoutFlow {
  /** Stripe.js's first call: the session a client secret opens, with this account's key only. */
  open(publishableKey: string, clientSecret: string): EmbeddedOpenResult;
  /**
   * Null while the session is not complete; then where the buyer goes, as redirect_on_completion
   * says: the return_url with the session id filled in (`always`), or nowhere (the page's
   * `onComplete` runs instead).
   */
  completion(sessionId: string): { redirectUrl: string | null } | null;
}
