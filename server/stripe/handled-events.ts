import type Stripe from 'stripe';

/**
 * The events the server acts on, and so exactly the events its webhook endpoint subscribes to
 * (`npm run stripe:setup`): never `*`, since every other event would be a signed request to
 * verify and drop, and a larger surface to attack.
 */
export const HANDLED_EVENTS = [
  'checkout.session.completed',
  'checkout.session.async_payment_succeeded',
  'checkout.session.async_payment_failed',
  'checkout.session.expired',
  'customer.subscription.created',
  'customer.subscription.updated',
  'customer.subscription.deleted',
  'customer.subscription.paused',
  'customer.subscription.resumed',
  'customer.subscription.trial_will_end',
  // A schedule whose phases change (a downgrade confirmed for the period's end, or taken back)
  // says so only here: the subscription itself is unchanged until the phase begins.
  'subscription_schedule.updated',
  'invoice.paid',
  'invoice.payment_succeeded',
  'invoice.payment_failed',
  'invoice.payment_action_required',
  'charge.refunded',
  'charge.refund.updated',
  'refund.failed',
  'charge.dispute.created',
  // An inquiry that escalates to a chargeback says so only here: the same dispute, a new status.
  'charge.dispute.updated',
  'charge.dispute.closed',
] as const satisfies readonly Stripe.Event.Type[];

export type HandledEvent = (typeof HANDLED_EVENTS)[number];

export const isHandled = (type: string): type is HandledEvent =>
  (HANDLED_EVENTS as readonly string[]).includes(type);
