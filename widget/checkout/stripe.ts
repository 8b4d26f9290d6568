// Stripe.js, loaded on the first click that needs it: the server says which publishable key (and,
// with the bundled local Stripe, which stand-in script) to use.
import { loadStripe } from '@stripe/stripe-js/pure';
import type { Stripe } from '@stripe/stripe-js';
import type { CheckoutConfig } from '../../shared/api/checkout-config.ts';
import { getCheckoutConfig } from '../client.ts';

/** Why the embedded checkout cannot be shown; the buyer is sent to Stripe's page instead. */
export class EmbeddedUnavailable extends Error {}

/** One answer per server for every button on the page; a failure is tried again next time. */
function cachedByApi<T>(load: (api: string) => Promise<T>): (api: string) => Promise<T> {
  const byApi = new Map<string, Promise<T>>();
  return (api) => {
    let value = byApi.get(api);
    if (!value) {
      value = load(api);
      byApi.set(api, value);
      value.catch(() => byApi.delete(api));
    }
    return value;
  };
}

const configFor = cachedByApi<CheckoutConfig>((api) => getCheckoutConfig({ api }));

export const stripeFor = cachedByApi<Stripe>(async (api) => {
  const { publishableKey, stripeJsUrl } = await configFor(api);
  if (!publishableKey) throw new EmbeddedUnavailable('the server has no STRIPE_PUBLISHABLE_KEY');
  // loadStripe takes a `window.Stripe` already on the page (@stripe/stripe-js src/shared.ts).
  if (stripeJsUrl && !window.Stripe) await addScript(stripeJsUrl);
  const stripe = await loadStripe(publishableKey);
  if (!stripe) throw new EmbeddedUnavailable('Stripe.js did not load');
  return stripe;
});

function addScript(src: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = src;
    script.onload = () => resolve();
    script.onerror = () => {
      script.remove();
      reject(new EmbeddedUnavailable(`${src} did not load`));
    };
    document.head.append(script);
  });
}

/** Whether a URL is Stripe's, or the stand-in's that the server named. */
function isStripes(url: string, standIn: string | undefined): boolean {
  try {
    const { hostname, origin } = new URL(url);
    const stripe = hostname === 'stripe.com' || hostname.endsWith('.stripe.com');
    return stripe || (!!standIn && origin === new URL(standIn).origin);
  } catch {
    // 'inline', 'eval' and the like: nothing of Stripe's.
    return false;
  }
}

/**
 * Watches for the page's Content-Security-Policy blocking Stripe's script, frame or requests,
 * which Stripe.js does not always report as an error. Returns the unsubscriber.
 */
export function watchPolicy(api: string, onBlocked: (directive: string) => void): () => void {
  let standIn: string | undefined;
  // Told before stripeFor adds the stand-in's script: both wait for the same answer.
  configFor(api).then(
    (config) => (standIn = config.stripeJsUrl),
    () => undefined,
  );
  const listener = (event: SecurityPolicyViolationEvent) => {
    if (isStripes(event.blockedURI, standIn)) onBlocked(event.effectiveDirective);
  };
  document.addEventListener('securitypolicyviolation', listener, true);
  return () => document.removeEventListener('securitypolicyviolation', listener, true);
}
