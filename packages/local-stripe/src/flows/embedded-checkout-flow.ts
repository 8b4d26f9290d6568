import { timingSafeEqual } from 'node:crypto';
import type { Core } from '../core.ts';
import { redirectUrl } from '../domain/checkout-complete.ts';
import type { EmbeddedCheckoutFlow, EmbeddedOpenResult } from '../pages/embedded-flow.ts';
import { masked } from '../wire/auth.ts';
import { createCheckoutFlow } from './checkout-flow.ts';

// Stripe's wording for a PaymentIntent's client secret that does not match
// (flutter-stripe/flutter_stripe#645), said of the Checkout Session.
const SECRET_MISMATCH =
  'The client_secret provided does not match the client_secret associated with the Checkout Session.';

/** The embedded checkout: the hosted page's flow on embedded sessions, opened by client secret. */
export function createEmbeddedCheckoutFlow(
  core: Core,
  publishableKey: string,
): EmbeddedCheckoutFlow {
  const { store } = core;

  function embeddedSession(sessionId: string) {
    const session = store.checkoutSessions.get(sessionId);
    return session?.ui_mode === 'embedded_page' ? session : undefined;
  }

  return {
    ...createCheckoutFlow(core, 'embedded_page'),

    open(key, clientSecret): EmbeddedOpenResult {
      if (key !== publishableKey) {
        const message = `Invalid API Key provided: ${masked(key)}`;
        return { ok: false, status: 401, type: 'authentication_error', message };
      }
      // One answer for an unknown session and a wrong secret: nothing to probe ids with.
      const session = embeddedSession(clientSecret.split('_secret_')[0] ?? '');
      if (!session?.client_secret || !sameSecret(session.client_secret, clientSecret)) {
        return { ok: false, status: 400, type: 'invalid_request_error', message: SECRET_MISMATCH };
      }
      return { ok: true, sessionId: session.id };
    },

    completion(sessionId) {
      const session = embeddedSession(sessionId);
      if (session?.status !== 'complete') return null;
      const redirects = session.redirect_on_completion === 'always' && session.return_url;
      return { redirectUrl: redirects ? redirectUrl(core, session) : null };
    },
  };
}

function sameSecret(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}
