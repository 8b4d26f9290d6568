import type Stripe from 'stripe';
import { STRIPE_API_VERSION } from '../stripe/client.ts';

/**
 * An event's `data.object` is rendered in the API version of the endpoint that receives it (or
 * the account's default when the endpoint names none) at the time the event happened, and never
 * changes after (`api_version` in the SDK's Event type). An endpoint made on an older version, or
 * an event listed from before an upgrade, carries another shape: 2024-06-20 keeps the billing
 * period on the subscription, where the pinned version has it on each item. Such a payload is
 * never read: its object is fetched again, and the API answers in the pinned version.
 */
export const isPinned = (event: Stripe.Event): boolean => event.api_version === STRIPE_API_VERSION;

type Retrieve = (stripe: Stripe, id: string) => Promise<{ id: string }>;

/** Event type prefixes, most specific first, and how to fetch the object they are about. */
const RETRIEVERS: readonly [prefix: string, retrieve: Retrieve][] = [
  ['checkout.session.', (stripe, id) => stripe.checkout.sessions.retrieve(id)],
  ['customer.subscription.', (stripe, id) => stripe.subscriptions.retrieve(id)],
  ['invoice.', (stripe, id) => stripe.invoices.retrieve(id)],
  ['subscription_schedule.', (stripe, id) => stripe.subscriptionSchedules.retrieve(id)],
  ['charge.dispute.', (stripe, id) => stripe.disputes.retrieve(id)],
  ['charge.refund.', (stripe, id) => stripe.refunds.retrieve(id)],
  ['refund.', (stripe, id) => stripe.refunds.retrieve(id)],
  ['charge.', (stripe, id) => stripe.charges.retrieve(id)],
];

/** The event with its object as the pinned API version shows it, fetched when it is not. */
export async function inPinnedVersion<E extends Stripe.Event>(
  stripe: Stripe,
  event: E,
): Promise<E> {
  if (isPinned(event)) return event;
  const retrieve = RETRIEVERS.find(([prefix]) => event.type.startsWith(prefix))?.[1];
  if (!retrieve) throw new Error(`No way to fetch the object of a ${event.type} event`);
  const { id } = event.data.object as { id: string };
  const object = await retrieve(stripe, id);
  // `previous_attributes` is left behind: it names fields as the other version names them.
  return { ...event, api_version: STRIPE_API_VERSION, data: { object } } as unknown as E;
}
