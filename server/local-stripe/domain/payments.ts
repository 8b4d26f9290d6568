import type Stripe from 'stripe';
import type { Core } from '../core.ts';
import { buildCharge, buildPaymentIntent } from '../objects/payment.ts';
import { newId } from '../store/ids.ts';
import { chargeCard, describeCard } from './cards.ts';
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
    };

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
  return { ok: true, paymentIntent: succeeded, charge };
}
