import type Stripe from 'stripe';
import type { Core } from '../core.ts';
import { closeIfExpired, completeSession, needsCard } from '../domain/checkout-complete.ts';
import { couponAppliesTo } from '../domain/discounts.ts';
import { couponOf, findPromotionCode, promotionCodeProblem } from '../domain/promotions.ts';
import { priceSession } from '../domain/session-pricing.ts';
import { couponLabel } from '../objects/coupon.ts';
import type {
  CheckoutFlow,
  CheckoutLineView,
  CheckoutPageView,
  PromotionResult,
} from '../pages/flows.ts';
import type { SessionState } from '../store/store.ts';

const INVALID_CODE = 'This code is invalid.';

/**
 * What the checkout page shows and does, on top of the same state the API serves. Each page sees
 * only the sessions of its ui_mode: an embedded session has no hosted page, as on Stripe.
 */
export function createCheckoutFlow(
  core: Core,
  uiMode: 'hosted_page' | 'embedded_page' = 'hosted_page',
): CheckoutFlow {
  const { store } = core;

  function load(
    sessionId: string,
  ): { session: Stripe.Checkout.Session; state: SessionState } | null {
    const found = store.checkoutSessions.get(sessionId);
    const state = store.checkoutSessions.internal(sessionId);
    if (!found || !state || found.ui_mode !== uiMode) return null;
    return { session: closeIfExpired(core, found), state };
  }

  function view(sessionId: string): CheckoutPageView | null {
    const loaded = load(sessionId);
    if (!loaded) return null;
    const { session, state } = loaded;
    const coupon = state.couponId ? store.coupons.get(state.couponId) : undefined;
    const customer =
      typeof session.customer === 'string' ? store.customers.get(session.customer) : undefined;
    const email =
      session.customer_details?.email ?? customer?.email ?? session.customer_email ?? null;
    return {
      id: session.id,
      status: session.status as CheckoutPageView['status'],
      mode: session.mode as CheckoutPageView['mode'],
      currency: session.currency ?? 'usd',
      lines: state.lineItems.map(lineView),
      amountSubtotal: session.amount_subtotal ?? 0,
      amountDiscount: session.total_details?.amount_discount ?? 0,
      amountTotal: session.amount_total ?? 0,
      discount: coupon ? { code: state.promotionCodeText, label: couponLabel(coupon) } : null,
      allowPromotionCodes: session.allow_promotion_codes === true,
      email,
      // As on Stripe: a customer's email on file is fixed; without one the buyer types it.
      emailLocked: Boolean(customer?.email) || session.customer_email !== null,
      cancelUrl: session.cancel_url,
      expiresAt: session.expires_at,
      livemode: false,
      trialDays: trialDays(core, state),
      cardRequired: needsCard(session),
    };
  }

  function lineView(line: Stripe.LineItem): CheckoutLineView {
    const productId = line.price
      ? typeof line.price.product === 'string'
        ? line.price.product
        : line.price.product.id
      : null;
    const product = productId ? store.products.get(productId) : undefined;
    return {
      productName: product?.name ?? line.description ?? 'Item',
      description: product?.description ?? null,
      unitAmount: line.price?.unit_amount ?? 0,
      quantity: line.quantity ?? 1,
      interval: (line.price?.recurring?.interval as CheckoutLineView['interval']) ?? null,
      intervalCount: line.price?.recurring?.interval_count ?? 1,
    };
  }

  function reprice(session: Stripe.Checkout.Session, state: SessionState): PromotionResult {
    const priced = priceSession(core, session, state);
    core.db.transaction(() => store.checkoutSessions.update(priced.session, priced.state))();
    return { ok: true, view: view(session.id)! };
  }

  return {
    view,

    applyPromotionCode(sessionId, code) {
      const loaded = load(sessionId);
      if (!loaded || loaded.session.status !== 'open') {
        return { ok: false, message: 'This Checkout Session is no longer active.' };
      }
      const { session, state } = loaded;
      if (session.allow_promotion_codes !== true) return { ok: false, message: INVALID_CODE };
      const promo = findPromotionCode(core, code);
      const coupon = promo ? couponOf(core, promo) : undefined;
      if (!promo || !coupon) return { ok: false, message: INVALID_CODE };
      const customer = typeof session.customer === 'string' ? session.customer : null;
      const problem = promotionCodeProblem(core, promo, {
        customerId: customer,
        email: session.customer_email,
        subtotal: session.amount_subtotal ?? 0,
        currency: session.currency ?? 'usd',
      });
      if (problem)
        return {
          ok: false,
          message: problem === 'This promotion code is inactive.' ? INVALID_CODE : problem,
        };
      if (!couponAppliesTo(state.lineItems, coupon)) {
        return { ok: false, message: 'This code is not valid for the items in your order.' };
      }
      return reprice(session, {
        ...state,
        couponId: coupon.id,
        promotionCodeId: promo.id,
        promotionCodeText: code.trim().toUpperCase(),
      });
    },

    removePromotionCode(sessionId) {
      const loaded = load(sessionId);
      if (!loaded || loaded.session.status !== 'open') {
        return { ok: false, message: 'This Checkout Session is no longer active.' };
      }
      return reprice(loaded.session, {
        ...loaded.state,
        couponId: null,
        promotionCodeId: null,
        promotionCodeText: null,
      });
    },

    pay(sessionId, card) {
      return completeSession(core, sessionId, {
        email: card.email.trim(),
        name: card.name?.trim() || null,
        number: card.number,
        expMonth: card.expMonth,
        expYear: card.expYear,
        cvc: card.cvc,
      });
    },
  };
}

/** Whole days of trial the buyer gets if they start now. */
function trialDays(core: Core, state: SessionState): number | null {
  if (!state.trial) return null;
  if (state.trial.days !== null) return state.trial.days;
  return Math.ceil(((state.trial.end ?? 0) - core.clock.now()) / 86_400);
}
