// The sessions of one click, hosted or embedded: the price, code and return URLs the button names,
// `checkout-start` once, and one idempotency key per purchase.
import type { CheckoutButton } from '../checkout-button.ts';
import {
  createCheckoutSession,
  createEmbeddedCheckoutSession,
  newIdempotencyKey,
  RequestFailure,
} from '../client.ts';
import { emit } from '../events.ts';
import { CheckoutFailure, explain, notOnSale, type Errand } from '../failure.ts';

/** The element's own failure class: only its instances are shown and announced by the element. */
export type FailureType = typeof CheckoutFailure;

export interface Session {
  sessionId: string;
  /** Stripe's page, for a hosted session. */
  url?: string;
  /** For Stripe.js, for an embedded one. */
  clientSecret?: string;
}

export type CreateSession = (uiMode: 'embedded' | 'hosted') => Promise<Session>;

/** The key of each button's last request, reused while the same purchase is retried. */
const attempts = new WeakMap<CheckoutButton, { body: string; key: string }>();

/**
 * A failure in the element's own class (this module has its own copy of failure.ts, and the
 * element shows and announces only instances of its own); a request's failure explained first.
 */
export function explained(Failure: FailureType, errand: Errand, error: unknown): unknown {
  const failure = error instanceof RequestFailure ? explain(errand, error) : error;
  if (!(failure instanceof CheckoutFailure)) return failure;
  return new Failure(failure.code, failure.message, failure.status);
}

export function sessionsFor(
  host: CheckoutButton,
  promotionCode: () => string | undefined,
  Failure: FailureType,
  signal: AbortSignal,
): CreateSession {
  let started = false;
  return async (uiMode) => {
    const { api, token, plan = '', billing, successUrl, cancelUrl } = host;
    const code = promotionCode();
    const price = await host.sellingPrice().catch((error: unknown) => {
      throw explained(Failure, 'checkout', error);
    });
    if (!price) throw explained(Failure, 'checkout', notOnSale(plan, billing));
    if (!started) {
      started = true;
      emit(host, 'checkout-start', { plan, billing, planId: price.id, promotionCode: code });
    }
    const params = {
      planId: price.id,
      promotionCode: code,
      successUrl: successUrl || undefined,
      cancelUrl: cancelUrl || undefined,
    };
    const body = JSON.stringify({ ...params, uiMode });
    let attempt = attempts.get(host);
    if (attempt?.body !== body) attempts.set(host, (attempt = { body, key: newIdempotencyKey() }));
    const options = { api, token, signal, idempotencyKey: attempt.key };
    const response =
      uiMode === 'embedded'
        ? await createEmbeddedCheckoutSession(params, options)
        : await createCheckoutSession(params, options);
    if (response.success) {
      const { checkoutId, checkoutUrl, clientSecret } = response.data as {
        checkoutId: string;
        checkoutUrl: string | null;
        clientSecret?: string;
      };
      return { sessionId: checkoutId, url: checkoutUrl ?? undefined, clientSecret };
    }
    if (response.status) attempts.delete(host);
    throw explained(Failure, 'checkout', explain('checkout', response));
  };
}
