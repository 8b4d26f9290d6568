import type { Entitlement } from '../shared/api/account.ts';
import type { FailureCode } from './failure.ts';

/** Neither Stripe's embedded checkout nor, instead of it, the redirect to Stripe could be opened. */
export type EmbeddedFailureCode = 'embedded-unavailable';

export interface CheckoutEventDetails {
  'checkout-start': {
    plan: string;
    billing: 'monthly' | 'annual';
    planId: string;
    promotionCode: string | undefined;
  };
  'checkout-redirect': { sessionId: string; url: string };
  'checkout-error': { status: number; code: FailureCode | EmbeddedFailureCode; message: string };
  'checkout-promo': { code: string; valid: boolean; message: string };
  'checkout-manage': Record<string, never>;
  'checkout-open': { sessionId: string; display: 'overlay' | 'inline' };
  'checkout-close': { sessionId: string };
  'checkout-complete': { sessionId: string; entitlement: Entitlement };
}

/**
 * Every event bubbles out of the shadow root, so the page can listen anywhere above. Returns
 * false when the page called `preventDefault()` on a cancelable one.
 */
export function emit<K extends keyof CheckoutEventDetails>(
  target: EventTarget,
  name: K,
  detail: CheckoutEventDetails[K],
  cancelable = false,
): boolean {
  return target.dispatchEvent(
    new CustomEvent(name, { detail, cancelable, bubbles: true, composed: true }),
  );
}

declare global {
  interface HTMLElementEventMap {
    'checkout-start': CustomEvent<CheckoutEventDetails['checkout-start']>;
    'checkout-redirect': CustomEvent<CheckoutEventDetails['checkout-redirect']>;
    'checkout-error': CustomEvent<CheckoutEventDetails['checkout-error']>;
    'checkout-promo': CustomEvent<CheckoutEventDetails['checkout-promo']>;
    'checkout-manage': CustomEvent<CheckoutEventDetails['checkout-manage']>;
    'checkout-open': CustomEvent<CheckoutEventDetails['checkout-open']>;
    'checkout-close': CustomEvent<CheckoutEventDetails['checkout-close']>;
    'checkout-complete': CustomEvent<CheckoutEventDetails['checkout-complete']>;
  }
}
