import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { Task, TaskStatus, initialState } from '@lit/task';
import type { PromotionCheck } from '../shared/api/plans.ts';
import {
  isUnfinishedPromotionCode,
  normalizePromotionCode,
  PROMOTION_CODE_RULE,
} from '../shared/promotion-code.ts';
import {
  checkPromotionCode,
  createCheckoutSession,
  defaultApi,
  newIdempotencyKey,
  openBillingPortal,
  RequestFailure,
} from './client.ts';
import { CheckoutFailure, explain, type Errand, type FailureCode } from './failure.ts';
import { defaultLabel, findPrice, formatMoney, loadPlans, priceText } from './plans.ts';

/**
 * A button that takes a buyer to Stripe Checkout for one plan: it shows the price, checks an
 * optional promotion code before the redirect, and explains failures inline.
 *
 * @fires checkout-start - The checkout request is about to leave; `detail` has plan, billing, planId and promotionCode.
 * @fires checkout-redirect - A session exists. Cancelable: a page that calls `preventDefault()` navigates to `detail.url` itself.
 * @fires checkout-error - No checkout (or billing portal) could be opened; `detail` has status, code and message.
 * @fires checkout-promo - A typed promotion code was accepted or refused; `detail` has code, valid and message.
 * @fires checkout-manage - The buyer asked to manage an existing subscription. Cancelable: the page may open its own page.
 *
 * @csspart price - The plan's price, with the saving and any discount.
 * @csspart saving - "Save 17%" on annual prices.
 * @csspart label - The promotion code's label.
 * @csspart input - The promotion code input.
 * @csspart button - The checkout button.
 * @csspart spinner - Shown in the button while the checkout is being created.
 * @csspart message - What the promotion code takes off or why it is refused, and any error.
 * @csspart manage - The "Manage subscription" link shown to buyers who already subscribed.
 *
 * @cssprop --checkout-button-background - The button's background.
 * @cssprop --checkout-button-color - The button's text colour.
 * @cssprop --checkout-button-radius - The corner radius of the button and the input.
 * @cssprop --checkout-button-font - The `font` shorthand for the whole element (default: inherited).
 * @cssprop --checkout-button-accent - The colour of savings and accepted codes.
 * @cssprop --checkout-button-error-color - The colour of refusals and errors.
 * @cssprop --checkout-button-input-background - The input's background.
 * @cssprop --checkout-button-input-color - The input's text colour.
 * @cssprop --checkout-button-border-color - The input's border.
 */
export class CheckoutButton extends LitElement {
  // The private properties hold this theme's defaults, light or dark; a page's own custom
  // property wins wherever one is read.
  static override styles = css`
    :host {
      display: inline-block;
    }
    :host([hidden]) {
      display: none;
    }
    form {
      --_background: #4338ca;
      --_color: #fff;
      --_accent: #047857;
      --_error: #b91c1c;
      --_input-background: #fff;
      --_input-color: #111827;
      --_border: #6b7280;
      display: grid;
      gap: 0.5rem;
      margin: 0;
      font: var(--checkout-button-font, inherit);
    }
    @media (prefers-color-scheme: dark) {
      form {
        --_background: #a5b4fc;
        --_color: #1e1b4b;
        --_accent: #6ee7b7;
        --_error: #fca5a5;
        --_input-background: #111827;
        --_input-color: #f9fafb;
        --_border: #9ca3af;
      }
    }
    p {
      margin: 0;
    }
    .row {
      display: flex;
      flex-wrap: wrap;
      align-items: end;
      gap: 0.5rem;
    }
    .field {
      display: grid;
      flex: 1 1 10rem;
      gap: 0.25rem;
    }
    input,
    button {
      font: inherit;
      border-radius: var(--checkout-button-radius, 0.5rem);
    }
    input {
      min-width: 0;
      padding: 0.5rem 0.75rem;
      border: 1px solid var(--checkout-button-border-color, var(--_border));
      background: var(--checkout-button-input-background, var(--_input-background));
      color: var(--checkout-button-input-color, var(--_input-color));
      text-transform: uppercase;
    }
    [part='button'] {
      display: inline-flex;
      align-items: center;
      gap: 0.5rem;
      padding: 0.625rem 1.25rem;
      border: 0;
      background: var(--checkout-button-background, var(--_background));
      color: var(--checkout-button-color, var(--_color));
      font-weight: 600;
      cursor: pointer;
    }
    [part='button'][aria-busy='true'] {
      cursor: progress;
    }
    [part='button']:disabled {
      opacity: 0.5;
      cursor: not-allowed;
    }
    :focus-visible {
      outline: 2px solid var(--checkout-button-background, var(--_background));
      outline-offset: 2px;
    }
    [part='spinner'] {
      width: 1em;
      height: 1em;
      box-sizing: border-box;
      border: 2px solid;
      border-inline-end-color: transparent;
      border-radius: 50%;
      animation: spin 0.8s linear infinite;
    }
    @keyframes spin {
      to {
        transform: rotate(1turn);
      }
    }
    @media (prefers-reduced-motion: reduce) {
      [part='spinner'] {
        animation-duration: 3s;
      }
    }
    [part='saving'],
    .accepted {
      color: var(--checkout-button-accent, var(--_accent));
      font-weight: 600;
    }
    .refused {
      color: var(--checkout-button-error-color, var(--_error));
    }
    input[aria-invalid='true'] {
      border-color: var(--checkout-button-error-color, var(--_error));
    }
    [part='manage'] {
      padding: 0;
      border: 0;
      background: none;
      color: inherit;
      text-decoration: underline;
      cursor: pointer;
    }
  `;

  // State

  /** The promotion code as it stands in the input. */
  declare private code: string;
  /** Whether `code` was typed by the buyer rather than set by the page. */
  #typed = false;
  /**
   * One idempotency key per purchase: a retry after no answer, or another click after a success,
   * gets the same session back. An error answer ends the attempt; the next try gets a new key.
   */
  #attempt?: { body: string; key: string };

  #plans = new Task(this, {
    task: ([api]) => loadPlans(api),
    args: () => [this.api] as const,
    onError: (error) => console.warn(`Tilldrop: no prices from ${this.api}:`, error),
  });

  /** The server's verdict on a well-formed code; the format is judged as it is typed. */
  #promotion = new Task(this, {
    task: async ([api, plan, billing, code], { signal }) => {
      if (!code) return initialState;
      // Let the buyer finish typing: a keystroke within the pause aborts this run before it asks.
      await new Promise((resolve) => setTimeout(resolve, 300));
      signal.throwIfAborted();
      return checkPromotionCode(code, plan ?? '', billing, { api, signal });
    },
    args: () => [this.api, this.plan, this.#billingOrDefault, this.#typedCode().code] as const,
    onComplete: ({ code, valid, message }) => {
      if (this.#typed) this.#emit('checkout-promo', { code, valid, message });
    },
  });

  /** Leaving the page, for Stripe Checkout or the billing portal: one pending state, one error. */
  #departure = new Task<[Errand], Departure>(this, {
    task: async ([errand], { signal }) => {
      try {
        if (errand === 'checkout') return await this.#requestCheckout(signal);
        return { url: await openBillingPortal({ api: this.api, token: this.token, signal }) };
      } catch (error) {
        throw error instanceof RequestFailure
          ? explain(errand, error.status, error.message)
          : error;
      }
    },
    autoRun: false,
    onComplete: ({ url, sessionId }) => {
      if (!sessionId || this.#emit('checkout-redirect', { sessionId, url }, true)) {
        location.assign(url);
      }
    },
    onError: (error) => {
      if (error instanceof CheckoutFailure) {
        const { status, code, message } = error;
        this.#emit('checkout-error', { status, code, message });
      }
    },
  });

  // Properties

  static override properties = {
    plan: {},
    billing: {},
    promo: {},
    label: {},
    api: {},
    token: {},
    successUrl: { attribute: 'success-url' },
    cancelUrl: { attribute: 'cancel-url' },
    disabled: { type: Boolean, reflect: true },
    code: { state: true },
  };

  /** `weekly`, `one-time`, `BASIC` or `PRO`. */
  declare plan?: string;
  /** `monthly` (the default) or `annual`; weekly and one-time plans ignore it. */
  declare billing: string;
  /** Present to show the promotion code input; its value pre-fills it. */
  declare promo?: string | null;
  /** The button's text; by default the plan and its price. */
  declare label?: string;
  /** The API server's origin; by default the origin the script was loaded from. */
  declare api: string;
  /** The buyer's access token, sent as a Bearer token; without it the buyer's cookies are sent. */
  declare token?: string;
  /** Where Stripe sends the buyer after paying; the server accepts only its allowed origins. */
  declare successUrl?: string;
  /** Where Stripe sends the buyer who goes back without paying. */
  declare cancelUrl?: string;
  declare disabled: boolean;

  constructor() {
    super();
    this.billing = 'monthly';
    this.api = defaultApi;
    this.disabled = false;
    this.code = '';
  }

  // Lifecycle

  override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('promo')) {
      this.code = this.promo ?? '';
      this.#typed = false;
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#departure.abort();
  }

  // Handlers

  #onInput(event: InputEvent): void {
    this.code = (event.target as HTMLInputElement).value;
    this.#typed = true;
    const { refusal } = this.#typedCode();
    if (refusal) this.#emit('checkout-promo', { code: this.code, valid: false, message: refusal });
  }

  #onSubmit(event: SubmitEvent): void {
    event.preventDefault();
    // A second click while the first is on its way must not make a second session.
    if (this.disabled || this.#departure.status === TaskStatus.PENDING) return;
    void this.#departure.run(['checkout']);
  }

  #onManage(): void {
    if (this.#emit('checkout-manage', {}, true)) void this.#departure.run(['portal']);
  }

  async #requestCheckout(signal: AbortSignal): Promise<Departure> {
    const { api, token, plan = '' } = this;
    const billing = this.#billingOrDefault;
    const promotionCode = this.#acceptedCode();
    const price = findPrice(await loadPlans(api), plan, billing);
    if (!price)
      throw explain('checkout', 404, `the server sells no ${plan} plan billed ${billing}`);
    this.#emit('checkout-start', { plan, billing, planId: price.id, promotionCode });

    const params = {
      planId: price.id,
      promotionCode,
      successUrl: this.successUrl || undefined,
      cancelUrl: this.cancelUrl || undefined,
    };
    const body = JSON.stringify(params);
    if (this.#attempt?.body !== body) this.#attempt = { body, key: newIdempotencyKey() };
    const idempotencyKey = this.#attempt.key;
    const response = await createCheckoutSession(params, { api, token, signal, idempotencyKey });
    if (response.success) {
      return { url: response.data.checkoutUrl, sessionId: response.data.checkoutId };
    }
    if (response.status) this.#attempt = undefined;
    throw explain('checkout', response.status, response.message, !!promotionCode);
  }

  get #billingOrDefault(): 'monthly' | 'annual' {
    return this.billing === 'annual' ? 'annual' : 'monthly';
  }

  /**
   * The code in the input, upper-cased, once it has the form of a code, or the rule it breaks.
   * Neither while it is empty, nor while it is too short unless the buyer has `finished` typing.
   */
  #typedCode(finished = false): { code?: string; refusal?: string } {
    if (this.promo == null || !this.code.trim()) return {};
    const code = normalizePromotionCode(this.code);
    if (code) return { code };
    const typing = !finished && isUnfinishedPromotionCode(this.code);
    return typing ? {} : { refusal: PROMOTION_CODE_RULE };
  }

  /** The server's verdict, if it is about the code in the input now. */
  #verdict(code: string | undefined): PromotionCheck | undefined {
    const check = this.#promotion.render({ complete: (check) => check });
    return code && check?.code === code ? check : undefined;
  }

  /** The code to send; refused before any request when its form or the server already said no. */
  #acceptedCode(): string | undefined {
    const { code, refusal } = this.#typedCode(true);
    const verdict = this.#verdict(code);
    const reason = refusal ?? (verdict?.valid === false ? verdict.message : undefined);
    if (reason) throw new CheckoutFailure(0, 'promotion-code-refused', reason);
    return code;
  }

  /** Every event bubbles out of the shadow root, so the page can listen anywhere above. */
  #emit<K extends keyof CheckoutEventDetails>(
    name: K,
    detail: CheckoutEventDetails[K],
    cancelable = false,
  ): boolean {
    return this.dispatchEvent(
      new CustomEvent(name, { detail, cancelable, bubbles: true, composed: true }),
    );
  }

  // Render

  override render() {
    const price =
      this.#plans.value && findPrice(this.#plans.value, this.plan, this.#billingOrDefault);
    const busy = this.#departure.status === TaskStatus.PENDING;
    const failure = this.#departure.render({
      error: (error) => (error instanceof CheckoutFailure ? error : undefined),
    });
    const showPromo = this.promo != null;
    const { code, refusal } = this.#typedCode();
    const verdict = this.#verdict(code);
    const refused =
      !!refusal || verdict?.valid === false || failure?.code === 'promotion-code-refused';

    return html`<form novalidate @submit=${this.#onSubmit}>
      ${
        price
          ? html`<p part="price">
              ${
                verdict?.valid
                  ? html`<s>${priceText(price)}</s>
                      <span class="accepted"
                        >${formatMoney(verdict.amountTotal, verdict.currency)} today</span
                      >`
                  : priceText(price)
              }
              ${
                price.savingsPercent
                  ? html`<span part="saving">Save ${price.savingsPercent}%</span>`
                  : nothing
              }
            </p>`
          : nothing
      }
      <div class="row">
        ${
          showPromo
            ? html`<span class="field">
                <label part="label" for="code">Promotion code</label>
                <input
                  part="input"
                  id="code"
                  name="promotion-code"
                  autocomplete="off"
                  autocapitalize="characters"
                  spellcheck="false"
                  maxlength="50"
                  aria-describedby="code-message"
                  aria-invalid=${refused}
                  .value=${this.code}
                  ?disabled=${this.disabled}
                  ?readonly=${busy}
                  @input=${this.#onInput}
                />
              </span>`
            : nothing
        }
        <button
          part="button"
          type="submit"
          aria-busy=${busy}
          aria-disabled=${busy ? 'true' : nothing}
          ?disabled=${this.disabled}
        >
          ${busy ? html`<span part="spinner" aria-hidden="true"></span>` : nothing}
          ${this.label || defaultLabel(this.plan, price)}
        </button>
      </div>
      ${
        showPromo
          ? html`<p
              part="message"
              id="code-message"
              role="status"
              class=${verdict?.valid ? 'accepted' : refused ? 'refused' : ''}
            >
              ${
                refusal ??
                (code &&
                  this.#promotion.render({
                    pending: () => 'Checking the code…',
                    complete: (check) => check.message,
                    error: () => 'Could not check the code now; it will be checked at payment.',
                  }))
              }
            </p>`
          : nothing
      }
      <p part="message" role="alert" class="refused">
        ${failure?.message}
        ${
          failure?.code === 'already-subscribed'
            ? html`<button part="manage" type="button" @click=${this.#onManage}>
                Manage subscription
              </button>`
            : nothing
        }
      </p>
    </form>`;
  }
}

interface Departure {
  url: string;
  /** Set for Stripe Checkout, absent for the billing portal. */
  sessionId?: string;
}

export interface CheckoutEventDetails {
  'checkout-start': {
    plan: string;
    billing: 'monthly' | 'annual';
    planId: string;
    promotionCode: string | undefined;
  };
  'checkout-redirect': { sessionId: string; url: string };
  'checkout-error': { status: number; code: FailureCode; message: string };
  'checkout-promo': { code: string; valid: boolean; message: string };
  'checkout-manage': Record<string, never>;
}

// A page that includes the script twice (or both builds) keeps the first definition.
if (customElements.get('checkout-button')) {
  console.warn('Tilldrop: <checkout-button> is already defined; this copy does nothing.');
} else {
  customElements.define('checkout-button', CheckoutButton);
}

declare global {
  interface HTMLElementTagNameMap {
    'checkout-button': CheckoutButton;
  }
  interface HTMLElementEventMap {
    'checkout-start': CustomEvent<CheckoutEventDetails['checkout-start']>;
    'checkout-redirect': CustomEvent<CheckoutEventDetails['checkout-redirect']>;
    'checkout-error': CustomEvent<CheckoutEventDetails['checkout-error']>;
    'checkout-promo': CustomEvent<CheckoutEventDetails['checkout-promo']>;
    'checkout-manage': CustomEvent<CheckoutEventDetails['checkout-manage']>;
  }
}
