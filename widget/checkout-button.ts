import { LitElement, html, nothing } from 'lit';
import { Task } from './task.ts';
import type { PlanName } from '../shared/catalog.ts';
import { defaultApi } from './client.ts';
import { DepartureController } from './departure.ts';
import { emit } from './events.ts';
import { warn } from './failure.ts';
import { defaultLabel, findPrice, formatMoney, loadPlans, priceText } from './plans.ts';
import { PromotionController } from './promotion.ts';
import { styles } from './styles.ts';

export type { CheckoutEventDetails } from './events.ts';

/**
 * A button that takes a buyer to Stripe Checkout for one plan: it shows the price, checks an
 * optional promotion code before the redirect, and explains failures inline.
 *
 * @fires checkout-start - The checkout request is about to leave; `detail` has plan, billing, planId and promotionCode.
 * @fires checkout-redirect - A session exists. Cancelable: a page that calls `preventDefault()` navigates to `detail.url` itself.
 * @fires checkout-error - No checkout (or billing portal) could be opened; `detail` has status (0 when no HTTP answer came), code and message.
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
  static override styles = styles;

  // State

  /** The server's prices, for display; the checkout reads them again when it starts. */
  #plans = new Task(this, {
    task: ([api]) => loadPlans(api),
    args: () => [this.api] as const,
    onError: (error) => warn(`no prices from ${this.api}:`, error),
  });
  #promotion = new PromotionController(this);
  #departure = new DepartureController(this, () => this.#promotion.accepted());

  // Properties

  static override properties = {
    plan: {},
    // Any other attribute value bills monthly, so the property is always one of the two.
    billing: { converter: (value: string | null) => (value === 'annual' ? value : 'monthly') },
    promo: {},
    label: {},
    api: {},
    token: {},
    successUrl: { attribute: 'success-url' },
    cancelUrl: { attribute: 'cancel-url' },
    disabled: { type: Boolean, reflect: true },
  };

  /** Which plan the button sells, or the id of one catalog entry (such as a trial offer of a plan). */
  plan?: PlanName | (string & {});
  /** Subscription plans only, and `monthly` unless it says `annual`: weekly and one-time plans ignore it. */
  billing: 'monthly' | 'annual' = 'monthly';
  /** Present to show the promotion code input; its value pre-fills it. */
  promo?: string | null;
  /** The button's text; by default the plan and its price. */
  label?: string;
  /** The API server's origin; by default the origin the script was loaded from. */
  api = defaultApi;
  /** The buyer's access token, sent as a Bearer token; without it the buyer's cookies are sent. */
  token?: string;
  /** Where Stripe sends the buyer after paying; the server accepts only its allowed origins. */
  successUrl?: string;
  /** Where Stripe sends the buyer who goes back without paying. */
  cancelUrl?: string;
  /** Disables the button and the input. */
  disabled = false;

  // Handlers

  #onInput(event: InputEvent): void {
    this.#promotion.input((event.target as HTMLInputElement).value);
  }

  #onSubmit(event: SubmitEvent): void {
    event.preventDefault();
    if (!this.disabled) this.#departure.leave('checkout');
  }

  #onManage(): void {
    if (emit(this, 'checkout-manage', {}, true)) this.#departure.leave('portal');
  }

  // Render

  override render() {
    const price = this.#plans.value && findPrice(this.#plans.value, this.plan, this.billing);
    const { busy, failure } = this.#departure;
    const showPromo = this.promo != null;
    const { refusal } = this.#promotion.reading();
    const verdict = this.#promotion.verdict();
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
                  autocomplete="off"
                  autocapitalize="characters"
                  spellcheck="false"
                  maxlength="50"
                  aria-describedby="code-message"
                  aria-invalid=${refused}
                  .value=${this.#promotion.value}
                  ?disabled=${this.disabled}
                  ?readonly=${busy}
                  @input=${this.#onInput}
                />
              </span>`
            : nothing
        }
        <button
          part="button"
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
              ${this.#promotion.message()}
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

// A page that includes the script twice (or both builds) keeps the first definition.
if (customElements.get('checkout-button')) {
  warn('<checkout-button> is already defined; this copy does nothing.');
} else {
  customElements.define('checkout-button', CheckoutButton);
}

declare global {
  interface HTMLElementTagNameMap {
    'checkout-button': CheckoutButton;
  }
}
