import { LitElement, html, nothing } from 'lit';
import { Task, initialState } from './task.ts';
import type { PlanPrice } from '../shared/api/plans.ts';
import type { PlanName } from '../shared/catalog.ts';
import { defaultApi, previewPlanChange } from './client.ts';
import { DepartureController } from './departure.ts';
import { emit } from './events.ts';
import { warn } from './failure.ts';
import {
  changeLabel,
  defaultLabel,
  findPrice,
  formatMoney,
  isSwitch,
  loadPlans,
  priceText,
} from './plans.ts';
import { PromotionController } from './promotion.ts';
import { styles } from './styles.ts';

export type { CheckoutEventDetails } from './events.ts';

/**
 * A button that takes a buyer to Stripe Checkout for one plan: it shows the price, checks an
 * optional promotion code before the redirect, and explains failures inline. With `display`
 * `overlay` or `inline`, the buyer pays in the page instead, in Stripe's embedded checkout: in a
 * dialog over the page, or in the page's element that `target` names. Stripe.js is loaded on the
 * first such click, never before; a page whose Content-Security-Policy blocks it, or a browser
 * that cannot load it, gets the redirect instead.
 *
 * @fires checkout-start - The checkout request is about to leave; `detail` has plan, billing, planId and promotionCode.
 * @fires checkout-redirect - A session exists. Cancelable: a page that calls `preventDefault()` navigates to `detail.url` itself.
 * @fires checkout-error - No checkout (or billing portal) could be opened; `detail` has status (0 when no HTTP answer came), code and message.
 * @fires checkout-promo - A typed promotion code was accepted or refused; `detail` has code, valid and message.
 * @fires checkout-manage - The buyer asked to manage an existing subscription. Cancelable: the page may open its own page.
 * @fires checkout-open - An embedded checkout shows; `detail` has sessionId and display.
 * @fires checkout-close - The buyer closed the overlay; `detail` has sessionId. A new click opens the same session again.
 * @fires checkout-complete - The buyer paid in the embedded checkout and the server has recorded it; `detail` has sessionId and entitlement.
 *
 * @csspart price - The plan's price, with the saving and any discount.
 * @csspart saving - "Save 17%" on annual prices.
 * @csspart current - "Current plan" beside the price of the plan a signed-in buyer holds.
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
 * @cssprop --checkout-dialog-background - The overlay's background (default white).
 * @cssprop --checkout-dialog-color - The overlay's title and close button.
 * @cssprop --checkout-dialog-backdrop - What covers the page behind the overlay.
 * @cssprop --checkout-dialog-width - The overlay's width (default 36rem, at most the window's).
 *
 * The overlay is `<checkout-dialog>`, appended to `<body>` (Stripe's embedded checkout cannot
 * live in a shadow root) and shared by every button on the page. It reads the custom properties
 * above, `--checkout-button-font` and `--checkout-button-radius` from the button that opened it,
 * and has the parts `dialog`, `header`, `title` and `close` (the close button), styled with
 * `checkout-dialog::part(dialog)`.
 */
export class CheckoutButton extends LitElement {
  static override styles = styles;

  // State

  /** The server's prices, and what a signed-in buyer holds; a click reads them again. */
  #plans = new Task(this, {
    task: ([api, token]) => loadPlans(api, token),
    args: () => [this.api, this.token] as const,
    onError: (error) => warn(`no prices from ${this.api}:`, error),
  });
  /** For a subscriber on another plan: what the switch to this one costs, and when it applies. */
  #preview = new Task(this, {
    task: ([api, token, price, held], { signal }) =>
      isSwitch(held, price)
        ? previewPlanChange(price!.plan, price!.billing, { api, token, signal })
        : Promise.resolve(initialState),
    args: () => [this.api, this.token, this.#price(), this.#plans.value?.entitlement] as const,
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
    display: {},
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
  /**
   * `redirect` (default): to Stripe's page. `overlay`: Stripe's embedded checkout in a dialog over
   * the page. `inline`: in the element `target` names.
   */
  display?: 'redirect' | 'overlay' | 'inline';
  /**
   * With `display="inline"`: a selector for the element of the page (not of a shadow root) to
   * show the checkout in. Read on each click, from the `target` attribute unless set here.
   */
  target?: string;

  // Handlers

  #onInput(event: InputEvent): void {
    this.#promotion.input((event.target as HTMLInputElement).value);
  }

  /** Any purchase on the page (this button's or another's) may change what this one offers. */
  #onPurchase = () => void this.#plans.run();

  override connectedCallback(): void {
    super.connectedCallback();
    addEventListener('checkout-complete', this.#onPurchase);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    removeEventListener('checkout-complete', this.#onPurchase);
  }

  #onSubmit(event: SubmitEvent): void {
    event.preventDefault();
    if (this.disabled) return;
    if (this.#holds()) this.#onManage();
    else this.#departure.leave('checkout');
  }

  /** Pointing at or focusing the button fetches what its click needs, before the click. */
  #onIntent(): void {
    this.#departure.prepare();
  }

  #onManage(): void {
    if (emit(this, 'checkout-manage', {}, true)) this.#departure.leave('portal');
  }

  // Render

  #price() {
    const plans = this.#plans.value?.plans;
    return plans && findPrice(plans, this.plan, this.billing);
  }

  /** Whether the signed-in buyer holds exactly what this button sells. */
  #holds(): boolean {
    const held = this.#plans.value?.entitlement;
    const price = this.#price();
    return !!price && held?.plan === price.plan && held.billing === price.billing;
  }

  /**
   * The price a click buys, from the answer every button on the page shares (the checkout module
   * asks here rather than keeping a copy of its own).
   */
  async sellingPrice(): Promise<PlanPrice | undefined> {
    const { plans } = await loadPlans(this.api, this.token);
    return findPrice(plans, this.plan, this.billing);
  }

  /**
   * What the button sells, in the plan's own words whatever its `label` says ("Pay here" would
   * title nothing): the embedded checkout's dialog is named by it.
   */
  get offer(): string {
    return defaultLabel(this.plan, this.#price());
  }

  /** What a click does for this buyer: manage the plan held, switch to this one, or buy it. */
  #label(price = this.#price()): string {
    const change = this.#preview.render({ complete: (preview) => preview });
    if (this.#holds()) return 'Manage subscription';
    return change ? changeLabel(price!.plan, change) : this.label || defaultLabel(this.plan, price);
  }

  override render() {
    const price = this.#price();
    const { busy, failure } = this.#departure;
    const holds = this.#holds();
    const showPromo = this.promo != null && !holds;
    const { refusal } = this.#promotion.reading();
    const verdict = this.#promotion.verdict();
    const refused =
      !!refusal || verdict?.valid === false || failure?.code === 'promotion-code-refused';

    return html`<form
      novalidate
      @submit=${this.#onSubmit}
      @pointerover=${this.#onIntent}
      @focusin=${this.#onIntent}
    >
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
              ${holds ? html`<span part="current">Current plan</span>` : nothing}
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
          ${this.#label(price)}
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
