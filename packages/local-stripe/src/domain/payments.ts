import type Stripe from 'stripe';
import type { Core } from '../core.ts';
import { buildCharge, buildPaymentIntent } from '../objects/payment.ts';
import { newId } from '../store/ids.ts';
import { aftermathOfNumber, chargeCard, describeCard } from './cards.ts';
import { openDisputeSoon } from './disputes.ts';
import { emitEvent } from './events.ts';

export interface PaymentRequest {
  amount: number;
  currency: string;
  customer: string | null;
  description: string | null;
  receiptEmail: string | null;
  billingName: string | null;
  metadata: Record<string, string>;
  card: { number: string; expMonth: number; expYear: number };
  paymentMethod: string;
  /** Nobody is there to pass 3D Secure (a renewal): a card that always asks for it waits. */
  offSession?: boolean;
}

export type PaymentOutcome =
  | { ok: true; paymentIntent: Stripe.PaymentIntent; charge: Stripe.Charge }
  | {
      ok: false;
      paymentIntent: Stripe.PaymentIntent;
      charge: Stripe.Charge;
      code: string;
      declineCode: string;
      message: string;
    }
  | { ok: false; requiresAction: true; paymentIntent: Stripe.PaymentIntent; charge: null };

/**
 * Creates a payment intent and charges the card, with the events Stripe sends for each step.
 * Call inside a transaction.
 */
export function collectPayment(core: Core, request: PaymentRequest): PaymentOutcome {
  const { store, clock } = core;
  const now = clock.now();
  const created = store.paymentIntents.insert(
    buildPaymentIntent({
      id: newId('pi'),
      amount: request.amount,
      currency: request.currency,
      customer: request.customer,
      description: request.description,
      receiptEmail: request.receiptEmail,
      metadata: request.metadata,
      created: now,
    }),
  );
  emitEvent(core, 'payment_intent.created', created);

  const check = chargeCard(request.card.number);
  const aftermath = aftermathOfNumber(request.card.number);
  if (check.ok && request.offSession && aftermath.authenticatesOffSession) {
    return awaitAuthentication(core, created, request.paymentMethod);
  }
  const card = describeCard(request.card.number);
  const charge = store.charges.insert(
    buildCharge({
      id: newId('ch'),
      paymentIntent: created,
      card: {
        ...card,
        expMonth: request.card.expMonth,
        expYear: request.card.expYear,
        paymentMethod: request.paymentMethod,
      },
      billingEmail: request.receiptEmail,
      billingName: request.billingName,
      failure: check.ok ? null : check,
      created: now,
    }),
  );

  if (!check.ok) {
    emitEvent(core, 'charge.failed', charge);
    const failed = store.paymentIntents.update({
      ...created,
      latest_charge: charge.id,
      payment_method: null,
      status: 'requires_payment_method',
      last_payment_error: {
        charge: charge.id,
        code: check.code,
        decline_code: check.declineCode,
        doc_url: `https://stripe.com/docs/error-codes/${check.code.replace(/_/g, '-')}`,
        message: check.message,
        type: 'card_error',
      },
    });
    emitEvent(core, 'payment_intent.payment_failed', failed);
    return { ...check, paymentIntent: failed, charge };
  }

  emitEvent(core, 'charge.succeeded', charge);
  const succeeded = store.paymentIntents.update({
    ...created,
    amount_received: request.amount,
    latest_charge: charge.id,
    payment_method: request.paymentMethod,
    status: 'succeeded',
  });
  emitEvent(core, 'payment_intent.succeeded', succeeded);
  if (aftermath.dispute) openDisputeSoon(core, charge.id, aftermath.dispute);
  return { ok: true, paymentIntent: succeeded, charge };
}

/**
 * The card asks for 3D Secure: no charge yet, the intent waits in `requires_action` for the
 * buyer (payment_intent.requires_action), as Stripe's 4000 0027 6000 3184 does off-session.
 */
function awaitAuthentication(
  core: Core,
  created: Stripe.PaymentIntent,
  paymentMethod: string,
): PaymentOutcome {
  const waiting = core.store.paymentIntents.update({
    ...created,
    payment_method: paymentMethod,
    status: 'requires_action',
    next_action: { type: 'use_stripe_sdk', use_stripe_sdk: {} },
  });
  emitEvent(core, 'payment_intent.requires_action', waiting);
  return { ok: false, requiresAction: true, paymentIntent: waiting, charge: null };
}
