import type Stripe from 'stripe';
import type { Core } from '../core.ts';
import { buildCustomer } from '../objects/customer.ts';
import type { PayResult } from '../pages/flows.ts';
import { newId, newInvoicePrefix } from '../store/ids.ts';
import type { SessionState } from '../store/store.ts';
import { chargeCard } from './cards.ts';
import { expireSession } from './checkout-expire.ts';
import { emitEvent } from './events.ts';
import { collectPayment } from './payments.ts';
import { promotionCodeProblem } from './promotions.ts';
import { createSubscription } from './subscription-create.ts';

export interface Payment {
  email: string;
  name: string | null;
  number: string;
  expMonth: number;
  expYear: number;
  cvc: string;
}

type Failure = Extract<PayResult, { ok: false }>;

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Expires a session whose time is up; the page and the API then see it closed. */
export function closeIfExpired(
  core: Core,
  session: Stripe.Checkout.Session,
): Stripe.Checkout.Session {
  if (session.status !== 'open' || session.expires_at > core.clock.now()) return session;
  return core.db.transaction(() => expireSession(core, session))();
}

function checkForm(core: Core, payment: Payment): Failure | null {
  if (!EMAIL.test(payment.email)) {
    return { ok: false, code: 'invalid_email', message: 'Your email address is invalid.' };
  }
  if (!payment.number) return null;
  const now = new Date(core.clock.now() * 1000);
  const year = payment.expYear < 100 ? 2000 + payment.expYear : payment.expYear;
  const expired =
    year < now.getUTCFullYear() ||
    (year === now.getUTCFullYear() && payment.expMonth < now.getUTCMonth() + 1);
  if (!Number.isInteger(payment.expMonth) || payment.expMonth < 1 || payment.expMonth > 12) {
    return {
      ok: false,
      code: 'invalid_expiry',
      message: "Your card's expiration month is invalid.",
    };
  }
  if (expired)
    return {
      ok: false,
      code: 'invalid_expiry',
      message: "Your card's expiration year is in the past.",
    };
  if (!/^\d{3,4}$/.test(payment.cvc)) {
    return { ok: false, code: 'invalid_cvc', message: "Your card's security code is incomplete." };
  }
  return null;
}

function declineFailure(code: string, message: string): Failure {
  if (code === 'incorrect_number') return { ok: false, code: 'incorrect_number', message };
  if (code === 'incorrect_cvc') return { ok: false, code: 'invalid_cvc', message };
  if (code === 'expired_card') return { ok: false, code: 'invalid_expiry', message };
  return { ok: false, code: 'card_declined', message };
}

/**
 * Whether the buyer must give a card: always, unless `payment_method_collection: if_required` and
 * nothing is due today ("Checkout will not collect a payment method when the total due for the
 * session is 0. This may occur if the Checkout Session includes a free trial or a discount",
 * SessionCreateParams.payment_method_collection in the SDK's types).
 */
export function needsCard(session: Stripe.Checkout.Session): boolean {
  return session.payment_method_collection !== 'if_required' || (session.amount_total ?? 0) > 0;
}

export function redirectUrl(core: Core, session: Stripe.Checkout.Session): string {
  const ownPage = session.ui_mode === 'embedded_page' ? 'c/embedded' : 'c/pay';
  const target =
    session.success_url ?? session.return_url ?? `${core.publicUrl}/${ownPage}/${session.id}`;
  return target.replaceAll('{CHECKOUT_SESSION_ID}', session.id);
}

/**
 * Pays for an open session as the hosted page does: a new customer unless the session names one,
 * then the subscription and its first invoice, or a one-time payment, with Stripe's events in
 * Stripe's order, ending with checkout.session.completed. A declined card changes nothing.
 */
export function completeSession(core: Core, sessionId: string, payment: Payment): PayResult {
  const found = core.store.checkoutSessions.get(sessionId);
  if (!found)
    return { ok: false, code: 'expired_session', message: 'This Checkout Session does not exist.' };
  const session = closeIfExpired(core, found);
  if (session.status !== 'open') {
    return {
      ok: false,
      code: 'expired_session',
      message: 'This Checkout Session is no longer active.',
    };
  }
  const formProblem = checkForm(core, payment);
  if (formProblem) return formProblem;
  // A blank card number is a buyer who gave no card, which only a session that needs none takes.
  const card = payment.number
    ? { number: payment.number, expMonth: payment.expMonth, expYear: payment.expYear }
    : null;
  if (!card && needsCard(session)) {
    return { ok: false, code: 'incorrect_number', message: 'Your card number is incomplete.' };
  }
  const state = core.store.checkoutSessions.internal(session.id)!;
  const amountDue = session.amount_total ?? 0;
  if (amountDue > 0) {
    const check = chargeCard(payment.number);
    if (!check.ok) return declineFailure(check.code, check.message);
  }
  const existingCustomer =
    typeof session.customer === 'string' ? core.store.customers.get(session.customer) : undefined;
  if (state.promotionCodeId) {
    const promo = core.store.promotionCodes.get(state.promotionCodeId);
    const problem = promo
      ? promotionCodeProblem(core, promo, {
          customerId: existingCustomer?.id ?? null,
          email: payment.email,
          subtotal: session.amount_subtotal ?? 0,
          currency: session.currency ?? 'usd',
        })
      : 'This promotion code is inactive.';
    if (problem) return { ok: false, code: 'invalid_email', message: problem };
  }

  return core.db.transaction((): PayResult => {
    const customer = existingCustomer ?? createCustomer(core, payment);
    if (card) core.store.customers.update(customer, { card: card.number });
    const paymentMethod = newId('pm');
    let completion: Partial<Stripe.Checkout.Session>;
    if (session.mode === 'subscription') {
      completion = startSubscription(core, state, customer, {
        card,
        paymentMethod,
        name: payment.name,
      });
    } else {
      const outcome =
        amountDue > 0
          ? collectPayment(core, {
              amount: amountDue,
              currency: session.currency ?? 'usd',
              customer: customer.id,
              description: null,
              receiptEmail: payment.email,
              billingName: payment.name,
              metadata: state.paymentIntentMetadata,
              card: card!,
              paymentMethod,
            })
          : null;
      completion = { payment_intent: outcome?.paymentIntent.id ?? null };
    }
    redeem(core, state);
    const completed = core.store.checkoutSessions.update({
      ...session,
      ...completion,
      customer: customer.id,
      customer_details: {
        address: null,
        business_name: null,
        email: payment.email,
        individual_name: null,
        name: payment.name,
        phone: null,
        tax_exempt: 'none',
        tax_ids: [],
      },
      payment_status: amountDue > 0 ? 'paid' : 'no_payment_required',
      status: 'complete',
      url: null,
    });
    emitEvent(core, 'checkout.session.completed', completed);
    return { ok: true, redirectUrl: redirectUrl(core, completed) };
  })();
}

function createCustomer(core: Core, payment: Payment): Stripe.Customer {
  const customer = core.store.customers.insert(
    buildCustomer({
      id: newId('cus', 14),
      email: payment.email,
      name: payment.name,
      invoicePrefix: newInvoicePrefix(),
      created: core.clock.now(),
    }),
    { card: payment.number || null },
  );
  emitEvent(core, 'customer.created', customer);
  return customer;
}

function startSubscription(
  core: Core,
  state: SessionState,
  customer: Stripe.Customer,
  charge: {
    card: { number: string; expMonth: number; expYear: number } | null;
    paymentMethod: string;
    name: string | null;
  },
): Partial<Stripe.Checkout.Session> {
  const line = state.lineItems.find((l) => l.price?.type === 'recurring')!;
  const { subscription, run } = createSubscription(core, {
    customer,
    price: line.price!,
    quantity: line.quantity ?? 1,
    metadata: state.subscriptionMetadata,
    description: null,
    // `trial_period_days` count from the subscription's start, when the buyer completes.
    trial: state.trial
      ? {
          end: state.trial.end ?? core.clock.now() + state.trial.days! * 86_400,
          missingPaymentMethod: state.trial.missingPaymentMethod,
        }
      : null,
    couponId: state.couponId,
    promotionCodeId: state.promotionCodeId,
    collection: {
      card: charge.card,
      paymentMethod: charge.paymentMethod,
      billingName: charge.name,
      offSession: false,
    },
    defaultPaymentMethod: charge.card ? charge.paymentMethod : null,
  });
  return { subscription: subscription.id, invoice: run.invoice.id };
}

function redeem(core: Core, state: SessionState): void {
  const { store } = core;
  if (state.promotionCodeId) {
    const promo = store.promotionCodes.get(state.promotionCodeId);
    if (promo) store.promotionCodes.update({ ...promo, times_redeemed: promo.times_redeemed + 1 });
  }
  if (state.couponId) {
    const coupon = store.coupons.get(state.couponId);
    if (coupon) store.coupons.update({ ...coupon, times_redeemed: coupon.times_redeemed + 1 });
  }
}
