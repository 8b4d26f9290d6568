import type { ReactiveController } from 'lit';
import { Task } from './task.ts';
import type { CheckoutButton } from './checkout-button.ts';
import { emit } from './events.ts';
import { CheckoutFailure, NO_CONNECTION, warn, type Errand } from './failure.ts';
import type * as CheckoutModule from './checkout/index.ts';

/** Where the buyer goes: nowhere (no `url`) once an embedded checkout shows in the page. */
export interface Departure {
  url?: string;
  /** Set for Stripe Checkout, absent for the billing portal. */
  sessionId?: string;
}

let checkoutModule: Promise<typeof CheckoutModule> | undefined;

/**
 * What a click does (widget/checkout/), fetched once per page. The build serves it beside the
 * script as widget-checkout.<hash>.mjs, the module built with this script (vite.config.ts), and a
 * classic script's import() resolves against the script's URL as a module's does against its own.
 * A failed fetch is tried again on the next call.
 */
function checkout(): Promise<typeof CheckoutModule> {
  if (!checkoutModule) {
    checkoutModule = import('./checkout/index.ts');
    checkoutModule.catch(() => (checkoutModule = undefined));
  }
  return checkoutModule;
}

/**
 * Leaving the page, for Stripe Checkout or the billing portal: one request at a time, one pending
 * state, one failure shown. Stripe Checkout is announced with `checkout-start` and a cancelable
 * `checkout-redirect`; what fails is announced with `checkout-error`.
 */
export class DepartureController implements ReactiveController {
  #promotionCode: () => string | undefined;
  #departure: Task<[Errand], Departure>;

  /** `promotionCode` gives the code to send, or throws the `CheckoutFailure` that refuses it. */
  constructor(host: CheckoutButton, promotionCode: () => string | undefined) {
    this.#promotionCode = promotionCode;
    host.addController(this);
    this.#departure = new Task<[Errand], Departure>(host, {
      task: async ([errand], { signal }) => {
        const { default: leave } = await checkout().catch((error: unknown) => {
          warn('the checkout module did not load:', error);
          throw new CheckoutFailure('network', NO_CONNECTION);
        });
        return leave(errand, host, signal, this.#promotionCode, CheckoutFailure);
      },
      onComplete: ({ url, sessionId }) => {
        if (url && (!sessionId || emit(host, 'checkout-redirect', { sessionId, url }, true))) {
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

  /** The buyer is about to click (points at or focuses the button): fetch what the click needs. */
  prepare(): void {
    void checkout().catch(() => undefined);
  }
}
