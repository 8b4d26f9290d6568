// The hosted checkout page: what is bought and what it costs on the left, the card form on the right.
import type { CheckoutLineView, CheckoutPageView } from './flows.ts';
import type { FieldError, TypedFields } from './card-form.ts';
import { html, type SafeHtml } from './html.ts';
import { ALERT, ARROW_LEFT, CARD_BRANDS, CLOSE, TAG } from './icons.ts';
import { billedEvery, formatMoney, perInterval, safeHref, siteName } from './format.ts';
import type { Page } from './layout.ts';
import { CHECKOUT_STYLES } from './checkout-styles.ts';

export interface CheckoutFormState {
  typed: TypedFields;
  error?: FieldError;
  /** A refused promotion code, kept in its box with the reason. */
  promotion?: { code: string; error: string };
}

export const EMPTY_FORM: CheckoutFormState = { typed: { email: '', name: '', expiry: '' } };

export function checkoutPath(sessionId: string, suffix = ''): string {
  return `/c/pay/${encodeURIComponent(sessionId)}${suffix}`;
}

/** Where the page's forms post: the hosted page's path, or the embedded page's. */
export type FormPath = (sessionId: string, suffix?: string) => string;

function alert(id: string, message: string | undefined): SafeHtml | null {
  return message
    ? html`<p id="${id}" class="alert" role="alert">${ALERT}<span>${message}</span></p>`
    : null;
}

function headline(view: CheckoutPageView): { title: string; interval: string | null } {
  const [first, ...rest] = view.lines;
  if (!first) return { title: 'Save your card for later payments', interval: null };
  const name = rest.length ? `${first.productName} and ${rest.length} more` : first.productName;
  const shared = view.lines.every(
    (line) => line.interval === first.interval && line.intervalCount === first.intervalCount,
  );
  return {
    title: view.mode === 'subscription' ? `Subscribe to ${name}` : name,
    interval: shared && first.interval ? perInterval(first.interval, first.intervalCount) : null,
  };
}

/** What the lines cost each period, before any trial. */
function fullPrice(view: CheckoutPageView): number {
  return view.lines.reduce((sum, line) => sum + line.unitAmount * line.quantity, 0);
}

function lineItem(line: CheckoutLineView, currency: string): SafeHtml {
  const meta = [
    line.quantity > 1 ? `Qty ${line.quantity}` : null,
    line.interval ? billedEvery(line.interval, line.intervalCount) : null,
  ].filter(Boolean);
  return html`<li class="line">
    <div>
      <p class="line-name">${line.productName}</p>
      ${line.description && html`<p class="line-meta">${line.description}</p>`}
      ${meta.length > 0 && html`<p class="line-meta">${meta.join(' · ')}</p>`}
    </div>
    <p class="line-amount">
      ${formatMoney(line.unitAmount * line.quantity, currency)}${
        line.quantity > 1 &&
        html`<br /><span class="line-each">${formatMoney(line.unitAmount, currency)} each</span>`
      }
    </p>
  </li>`;
}

function discountRow(
  view: CheckoutPageView,
  state: CheckoutFormState,
  formPath: FormPath,
): SafeHtml | null {
  const { discount } = view;
  if (!discount) return null;
  const removable = view.allowPromotionCodes && discount.code !== null;
  const name = discount.code ?? 'Discount';
  return html`<div class="totals-row discount">
      <div class="discount-label">
        <div class="chip">
          ${TAG}<span>${name}</span>${
            removable &&
            html`<form method="post" action="${formPath(view.id, '/promotion')}">
              <button
                class="chip-remove"
                type="submit"
                name="action"
                value="remove"
                aria-label="Remove promotion code ${name}"
              >
                ${CLOSE}
              </button>
            </form>`
          }
        </div>
        <span class="discount-off">(${discount.label})</span>
      </div>
      <span>−${formatMoney(view.amountDiscount, view.currency)}</span>
    </div>
    ${alert('promotion-error', state.promotion?.error)}`;
}

function promotionBox(
  view: CheckoutPageView,
  state: CheckoutFormState,
  formPath: FormPath,
): SafeHtml | null {
  if (!view.allowPromotionCodes || view.discount) return null;
  const error = state.promotion?.error;
  return html`<form class="promo" method="post" action="${formPath(view.id, '/promotion')}">
    <details ${error ? 'open' : ''}>
      <summary>Add promotion code</summary>
      <div class="promo-field${error ? ' has-error' : ''}">
        <label class="visually-hidden" for="promotion-code">Promotion code</label>
        <input
          id="promotion-code"
          name="code"
          value="${state.promotion?.code ?? ''}"
          placeholder="Add promotion code"
          autocomplete="off"
          autocapitalize="characters"
          spellcheck="false"
          maxlength="50"
          required
          ${error ? html`aria-invalid="true" aria-describedby="promotion-error"` : ''}
        />
        <button class="promo-apply" type="submit" name="action" value="apply">Apply</button>
      </div>
      ${alert('promotion-error', error)}
    </details>
  </form>`;
}

function summary(view: CheckoutPageView, state: CheckoutFormState, formPath: FormPath): SafeHtml {
  const back = safeHref(view.cancelUrl);
  const { title, interval } = headline(view);
  const totalLabel = view.mode === 'subscription' ? 'Total due today' : 'Total due';
  const headlineAmount = view.trialDays
    ? `${view.trialDays} days free`
    : formatMoney(view.amountSubtotal, view.currency);
  return html`<section class="summary" aria-labelledby="summary-title">
    <div class="summary-inner">
      <header class="merchant">
        ${back && html`<a class="back" href="${back}">${ARROW_LEFT}<span>Back</span></a>`}
        <span class="badge-test">TEST MODE</span>
      </header>
      <h1 id="summary-title" class="product-title">${title}</h1>
      ${
        view.lines.length > 0 &&
        html`<p class="headline-price">
            <span class="headline-amount">${headlineAmount}</span>
            ${interval && !view.trialDays && html`<span class="headline-interval">${interval.replace(' ', '\n')}</span>`}
          </p>
          ${
            view.trialDays &&
            html`<p class="line-meta trial-then">
              Then ${formatMoney(fullPrice(view), view.currency)}${interval ? ` ${interval}` : ''}
            </p>`
          }
          <ul class="lines">
            ${view.lines.map((line) => lineItem(line, view.currency))}
          </ul>
          <div class="totals">
            <div class="totals-row subtotal">
              <span>Subtotal</span><span>${formatMoney(view.amountSubtotal, view.currency)}</span>
            </div>
            ${discountRow(view, state, formPath)} ${promotionBox(view, state, formPath)}
            <div class="totals-row total">
              <span>${totalLabel}</span><span>${formatMoney(view.amountTotal, view.currency)}</span>
            </div>
          </div>`
      }
    </div>
  </section>`;
}

function emailField(view: CheckoutPageView, state: CheckoutFormState): SafeHtml {
  const error = state.error?.field === 'email' ? state.error.message : undefined;
  const value = view.emailLocked ? (view.email ?? '') : state.typed.email || (view.email ?? '');
  return html`<div class="field">
    <label for="email">Email</label>
    <input
      class="input"
      id="email"
      name="email"
      type="email"
      autocomplete="email"
      required
      value="${value}"
      ${view.emailLocked ? 'readonly' : ''}
      ${error ? html`aria-invalid="true" aria-describedby="email-error"` : ''}
    />
    ${alert('email-error', error)}
  </div>`;
}

function cardField(state: CheckoutFormState): SafeHtml {
  const error = state.error && state.error.field !== 'email' ? state.error : undefined;
  const invalid = (field: string) =>
    error
      ? html`aria-describedby="card-error"${error.field === field ? html` aria-invalid="true"` : ''}`
      : '';
  return html`<fieldset class="field">
    <legend>Card information</legend>
    <div class="card-group${error ? ' has-error' : ''}">
      <div class="card-number">
        <label class="visually-hidden" for="card-number">Card number</label>
        <input
          class="input"
          id="card-number"
          name="cardNumber"
          inputmode="numeric"
          autocomplete="cc-number"
          placeholder="1234 1234 1234 1234"
          maxlength="23"
          required
          ${invalid('number')}
        />
        <span class="card-brands">${CARD_BRANDS}</span>
      </div>
      <div class="card-row">
        <label class="visually-hidden" for="card-expiry">Expiration date (MM / YY)</label>
        <input
          class="input"
          id="card-expiry"
          name="cardExpiry"
          inputmode="numeric"
          autocomplete="cc-exp"
          placeholder="MM / YY"
          maxlength="9"
          required
          value="${state.typed.expiry}"
          ${invalid('expiry')}
        />
        <label class="visually-hidden" for="card-cvc">Security code (CVC)</label>
        <input
          class="input"
          id="card-cvc"
          name="cardCvc"
          inputmode="numeric"
          autocomplete="cc-csc"
          placeholder="CVC"
          maxlength="4"
          required
          ${invalid('cvc')}
        />
      </div>
    </div>
    ${alert('card-error', error?.message)}
  </fieldset>`;
}

const SUBMIT_LABELS: Record<CheckoutPageView['mode'], string> = {
  subscription: 'Subscribe',
  payment: 'Pay',
  setup: 'Save card',
};

function payment(view: CheckoutPageView, state: CheckoutFormState, formPath: FormPath): SafeHtml {
  const business = siteName(view.cancelUrl) ?? 'this business';
  return html`<main class="payment" aria-label="Payment">
    <div class="payment-inner">
      <form method="post" action="${formPath(view.id)}">
        <h2 class="section-title">Contact information</h2>
        ${emailField(view, state)}
        ${
          view.cardRequired !== false &&
          html`<h2 class="section-title">Payment method</h2>
            ${cardField(state)}
            <div class="field">
              <label for="billing-name">Name on card</label>
              <input
                class="input"
                id="billing-name"
                name="billingName"
                autocomplete="cc-name"
                placeholder="Full name on card"
                maxlength="200"
                value="${state.typed.name}"
              />
            </div>`
        }
        <button class="button button-primary pay-button" type="submit">
          ${view.trialDays ? 'Start trial' : SUBMIT_LABELS[view.mode]}
        </button>
        ${
          view.mode === 'subscription' &&
          html`<p class="terms">
            By subscribing, you allow ${business} to charge your card for this payment and future
            payments in accordance with their terms. You can cancel at any time.
          </p>`
        }
      </form>
      <aside class="test-cards" aria-labelledby="test-cards-title">
        <h2 id="test-cards-title">Test cards</h2>
        <ul>
          <li><code>4242 4242 4242 4242</code> succeeds</li>
          <li><code>4000 0000 0000 0002</code> is declined</li>
          <li><code>4000 0000 0000 9995</code> has insufficient funds</li>
        </ul>
        <p>Use any future expiration date and any three-digit CVC.</p>
      </aside>
      <p class="footer-note checkout-footer">Test mode: no real card is charged.</p>
    </div>
  </main>`;
}

export function checkoutPage(
  view: CheckoutPageView,
  state: CheckoutFormState,
  formPath: FormPath = checkoutPath,
): Page {
  return {
    title: headline(view).title,
    styles: CHECKOUT_STYLES,
    bodyClass: 'checkout-page',
    body: html`<div class="checkout-app">
      ${summary(view, state, formPath)}${payment(view, state, formPath)}
    </div>`,
  };
}
