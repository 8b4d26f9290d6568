// The fields each handled event's object must have, exactly those its handler reads. A signed
// event missing one would fail while being applied, and Stripe retries a 5xx for three days; it
// is refused up front with a 400 naming the field instead. Shapes follow node_modules/stripe/types
// for the pinned API version: a field Stripe always sends is required (nullable where Stripe
// says so), an expandable one is an id or an object with one. An event in another version is
// only read for its object's id, since the object is fetched again in the pinned version.
import type Stripe from 'stripe';
import { z } from 'zod';
import type { HandledEvent } from '../stripe/handled-events.ts';
import { isPinned } from './event-objects.ts';

const timestamp = z.number().int();
const amount = z.number().int();
const expandable = z.union([z.string().min(1), z.object({ id: z.string().min(1) })]);
/** Stripe's metadata values are always strings. */
const metadata = z.record(z.string(), z.string());

const subscription = z.object({
  id: z.string().min(1),
  customer: expandable,
  status: z.string().min(1),
  metadata: metadata.nullable(),
  cancel_at_period_end: z.boolean(),
  canceled_at: timestamp.nullable(),
  ended_at: timestamp.nullable(),
  items: z.object({
    data: z.array(
      z.object({
        price: z.object({ id: z.string().min(1) }),
        current_period_start: timestamp,
        current_period_end: timestamp,
      }),
    ),
  }),
});

const completedSession = z.object({
  id: z.string().min(1),
  mode: z.enum(['payment', 'setup', 'subscription']),
  payment_status: z.enum(['paid', 'unpaid', 'no_payment_required']),
  created: timestamp,
  expires_at: timestamp,
  client_reference_id: z.string().nullable(),
  metadata: metadata.nullable(),
  currency: z.string().nullable(),
  amount_subtotal: amount.nullable(),
  amount_total: amount.nullable(),
  customer: expandable.nullable(),
  payment_intent: expandable.nullable(),
  // Expanded, it is applied as the subscription itself, dated by its creation.
  subscription: z
    .union([z.string().min(1), subscription.extend({ created: timestamp })])
    .nullable(),
});

const invoice = z.object({
  // Optional in Stripe's types (a preview invoice has none); the handler skips one without.
  id: z.string().min(1).optional(),
  customer: expandable.nullable(),
  currency: z.string().min(1),
  amount_due: amount,
  amount_paid: amount,
  created: timestamp,
  hosted_invoice_url: z.string().nullish(),
  lines: z.object({ data: z.array(z.object({ description: z.string().nullable() })) }),
  parent: z
    .object({
      subscription_details: z
        .object({ metadata: metadata.nullish(), subscription: expandable })
        .nullish(),
    })
    .nullable(),
});

// Only the subscription's id is read: the subscription is fetched again, with the schedule.
const schedule = z.object({ id: z.string().min(1), subscription: expandable.nullable() });

const refund = z.object({
  id: z.string().min(1),
  charge: expandable.nullable(),
  payment_intent: expandable.nullable(),
});

const dispute = z.object({
  id: z.string().min(1),
  payment_intent: expandable.nullable(),
  status: z.string().min(1),
});

const PAYLOADS: Record<HandledEvent, z.ZodType> = {
  'checkout.session.completed': completedSession,
  'checkout.session.async_payment_succeeded': completedSession,
  'checkout.session.async_payment_failed': completedSession,
  'checkout.session.expired': z.object({
    id: z.string().min(1),
    payment_status: z.enum(['paid', 'unpaid', 'no_payment_required']),
  }),
  'customer.subscription.created': subscription,
  'customer.subscription.updated': subscription,
  'customer.subscription.deleted': subscription,
  'customer.subscription.paused': subscription,
  'customer.subscription.resumed': subscription,
  'customer.subscription.trial_will_end': subscription,
  'subscription_schedule.updated': schedule,
  'invoice.paid': invoice,
  'invoice.payment_succeeded': invoice,
  'invoice.payment_failed': invoice,
  'invoice.payment_action_required': invoice,
  'charge.refunded': z.object({ id: z.string().min(1), payment_intent: expandable.nullable() }),
  'charge.refund.updated': refund,
  'refund.failed': refund,
  'charge.dispute.created': dispute,
  'charge.dispute.updated': dispute,
  'charge.dispute.closed': dispute,
};

const refetched = z.object({ id: z.string().min(1) });

const MOST_NAMED = 3;

/** Why this event's object cannot be applied, or null when it can (or its type is not handled). */
export function payloadProblem(event: Stripe.Event): string | null {
  const schema = PAYLOADS[event.type as HandledEvent] as z.ZodType | undefined;
  if (!schema) return null;
  return problemWith(event, isPinned(event) ? schema : refetched);
}

function problemWith(event: Stripe.Event, schema: z.ZodType): string | null {
  const result = schema.safeParse(event.data.object, {
    error: (issue) => (issue.input === undefined ? 'is missing' : undefined),
  });
  if (result.success) return null;
  const problems = result.error.issues.slice(0, MOST_NAMED).map((issue) => {
    const field = ['data', 'object', ...issue.path.map(String)].join('.');
    return issue.message === 'is missing' ? `${field} is missing` : `${field}: ${issue.message}`;
  });
  return `Malformed ${event.type} event: ${problems.join('; ')}`;
}
