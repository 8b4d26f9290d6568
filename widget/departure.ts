import type { ReactiveController } from 'lit';
import { Task } from './task.ts';
import type { CheckoutButton } from './checkout-button.ts';
import {
  createCheckoutSession,
  newIdempotencyKey,
  openBillingPortal,
  RequestFailure,
} from './client.ts';
import { emit } from './events.ts';
import { CheckoutFailure, explain, notOnSale, type Errand } from './failure.ts';
import { findPrice, loadPlans } from './plans.ts';

interface Departure {
  url: string;
  /** Set for Stripe Checkout, absent for the billing portal. */
  sessionId?: string;
}

/**
 * Leaving the page, for Stripe Checkout or the billing portal: one request at a time, one pending
 * state, one failure shown. Stripe Checkout is announced with `checkout-start` and a cancelable
 * `checkout-redirect`; what fails is announced with `checkout-error`.
 */
export class DepartureController implements ReactiveController {
  /**
   * One idempotency key per purchase: a retry after no answer, or another click after a success,
   * gets the same session back. An error answer ends the attempt; the next try gets a new key.
   */
  #attempt?: { body: string; key: string };
  #host: CheckoutButton;
  #promotionCode: () => string | undefined;
  #departure: Task<[Errand], Departure>;

  /** `promotionCode` gives the code to send, or throws the `CheckoutFailure` that refuses it. */
  constructor(host: CheckoutButton, promotionCode: () => string | undefined) {
    this.#host = host;
    this.#promotionCode = promotionCode;
    host.addController(this);
    this.#departure = new Task<[Errand], Departure>(host, {
      task: async ([errand], { signal }) => {
        try {
          if (errand === 'checkout') return await this.#checkout(signal);
          const { api, token } = host;
          return { url: await openBillingPortal({ api, token, signal }) };
        } catch (error) {
          throw error instanceof RequestFailure ? explain(errand, error) : error;
        }
      },
      onComplete: ({ url, sessionId }) => {
        if (!sessionId || emit(host, 'checkout-redirect', { sessionId, url }, true)) {
          location.assign(url);
        }
      },
      onError: (error) => {
        if (error instanceof CheckoutFailure) {
          const { status, code, message } = error;
          emit(host, 'checkout-error', { status, code, message });
        }
      },
    });
  }

  hostDisconnected(): void {
    this.#departure.abort();
  }

  get busy(): boolean {
    return this.#departure.status === 'pending';
  }

  /** Why the last attempt failed, until the next one starts. */
  get failure(): CheckoutFailure | undefined {
    return this.#departure.render({
      error: (error) => (error instanceof CheckoutFailure ? error : undefined),
    });
  }

  /** A second click while the first is on its way must not make a second session. */
  leave(errand: Errand): void {
    if (!this.busy) void this.#departure.run([errand]);
  }

  async #checkout(signal: AbortSignal): Promise<Departure> {
    const { api, token, plan = '', billing, successUrl, cancelUrl } = this.#host;
    const promotionCode = this.#promotionCode();
    const price = findPrice(await loadPlans(api), plan, billing);
    if (!price) throw notOnSale(plan, billing);
    emit(this.#host, 'checkout-start', { plan, billing, planId: price.id, promotionCode });

    const params = {
      planId: price.id,
      promotionCode,
      successUrl: successUrl || undefined,
      cancelUrl: cancelUrl || undefined,
    };
    const body = JSON.stringify(params);
    if (this.#attempt?.body !== body) this.#attempt = { body, key: newIdempotencyKey() };
    const idempotencyKey = this.#attempt.key;
    const response = await createCheckoutSession(params, { api, token, signal, idempotencyKey });
    if (response.success) {
      return { url: response.data.checkoutUrl, sessionId: response.data.checkoutId };
    }
    if (response.status) this.#attempt = undefined;
    throw explain('checkout', response);
  }
}
