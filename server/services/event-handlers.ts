import type Stripe from 'stripe';
import type { HandledEvent } from '../stripe/handled-events.ts';
import type { Storage } from '../storage/index.ts';
import { idOf, type Fulfilment, type PreparedSubscription } from './fulfilment.ts';
import type { EventEffect, InvoiceOutcome, PaymentEffects } from './payment-effects.ts';

export type EventOf<T extends HandledEvent> = Extract<Stripe.Event, { type: T }>;

/** Does the Stripe reads an event needs, then returns its effect to write (or null for none). */
type Handler<T extends HandledEvent> = (event: EventOf<T>) => Promise<EventEffect | null>;

/** One handler for each event type in HANDLED_EVENTS, and none for any other. */
export type EventHandlers = { readonly [T in HandledEvent]: Handler<T> };

type SessionEvent = EventOf<
  | 'checkout.session.completed'
  | 'checkout.session.async_payment_succeeded'
  | 'checkout.session.async_payment_failed'
>;
type SubscriptionEvent = EventOf<
  | 'customer.subscription.created'
  | 'customer.subscription.updated'
  | 'customer.subscription.deleted'
  | 'customer.subscription.paused'
  | 'customer.subscription.resumed'
  | 'customer.subscription.trial_will_end'
>;
type InvoiceEvent = EventOf<
  | 'invoice.paid'
  | 'invoice.payment_succeeded'
  | 'invoice.payment_failed'
  | 'invoice.payment_action_required'
>;
type RefundEvent = EventOf<'charge.refund.updated' | 'refund.failed'>;
type DisputeEvent = EventOf<
  'charge.dispute.created' | 'charge.dispute.updated' | 'charge.dispute.closed'
>;

/** Each event handed to the service that owns what it changes. */
export function eventHandlers(owners: {
  fulfilment: Fulfilment;
  payments: PaymentEffects;
}): EventHandlers {
  const { fulfilment, payments } = owners;
  const applying = (prepared: PreparedSubscription) => async (now: number, tx: Storage) => {
    await fulfilment.applySubscription(prepared, now, tx);
  };

  const completedSession = async ({ data: { object: session } }: SessionEvent) => {
    const prepared = await fulfilment.prepareSession(session);
    return async (now: number, tx: Storage) => {
      await fulfilment.applyCompletedSession(session, prepared, now, tx);
    };
  };
  // Every subscription event carries the subscription as it is: each is applied as its state.
  const subscription = async ({ data, created }: SubscriptionEvent) => {
    const prepared = await fulfilment.prepareSubscriptionEvent(data.object, created);
    return prepared && applying(prepared);
  };
  // The subscription is read again, with its schedule, and applied as of the event.
  const schedule = async ({
    data: { object },
    created,
  }: EventOf<'subscription_schedule.updated'>) => {
    const subscriptionId = idOf(object.subscription);
    if (!subscriptionId) return null;
    const prepared = await fulfilment.prepareSubscription(subscriptionId, created);
    return applying(prepared);
  };
  const invoice =
    (outcome: InvoiceOutcome) =>
    async ({ data }: InvoiceEvent) =>
      payments.prepareInvoice(data.object, outcome);
  const chargeRefunded = ({ data: { object: charge }, created }: EventOf<'charge.refunded'>) =>
    payments.prepareRefund(
      { chargeId: charge.id, paymentIntentId: idOf(charge.payment_intent) },
      created,
    );
  const refund = ({ data: { object: refund }, created }: RefundEvent) =>
    payments.prepareRefund(
      { chargeId: idOf(refund.charge), paymentIntentId: idOf(refund.payment_intent) },
      created,
    );
  const dispute = ({ data, created }: DisputeEvent) =>
    payments.prepareDispute(data.object, created);

  return {
    'checkout.session.completed': completedSession,
    'checkout.session.async_payment_succeeded': completedSession,
    'checkout.session.async_payment_failed': completedSession,
    'checkout.session.expired':
      async ({ data }) =>
      (_now, tx) =>
        fulfilment.closeExpired(data.object, tx),
    'customer.subscription.created': subscription,
    'customer.subscription.updated': subscription,
    'customer.subscription.deleted': subscription,
    'customer.subscription.paused': subscription,
    'customer.subscription.resumed': subscription,
    'customer.subscription.trial_will_end': subscription,
    'subscription_schedule.updated': schedule,
    'invoice.paid': invoice('paid'),
    'invoice.payment_succeeded': invoice('paid'),
    'invoice.payment_failed': invoice('failed'),
    'invoice.payment_action_required': invoice('requires_action'),
    'charge.refunded': chargeRefunded,
    'charge.refund.updated': refund,
    'refund.failed': refund,
    'charge.dispute.created': dispute,
    'charge.dispute.updated': dispute,
    'charge.dispute.closed': dispute,
  };
}
