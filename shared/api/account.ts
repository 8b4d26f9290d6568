// The signed-in buyer's own state: what they have, how to manage it, what they paid.
import { z } from 'zod';
import { endpoint } from '../contract.ts';
import { Billing, PlanName } from '../catalog.ts';
import { ACCOUNT_PATH, PORTAL_PATH } from './paths.ts';
import { ApiFailure } from '../errors.ts';

export const Entitlement = z.object({
  plan: PlanName,
  billing: Billing,
  source: z.enum(['subscription', 'lifetime']),
  status: z.string(),
  /** While the status is `trialing`: when the free trial ends, and the first charge (or the end) comes. */
  trialEndsAt: z.iso.datetime().nullable(),
});
export type Entitlement = z.infer<typeof Entitlement>;

export const SubscriptionSummary = z.object({
  id: z.string(),
  plan: PlanName.nullable(),
  billing: Billing.nullable(),
  status: z.enum([
    'trialing',
    'active',
    'past_due',
    'unpaid',
    'canceled',
    'incomplete',
    'incomplete_expired',
    'paused',
  ]),
  cancelAtPeriodEnd: z.boolean(),
  currentPeriodEnd: z.iso.datetime().nullable(),
  /** When it renews, or null when it will not. */
  renewsAt: z.iso.datetime().nullable(),
  /** While the status is `trialing`: when the free trial ends. */
  trialEndsAt: z.iso.datetime().nullable(),
  /** When access ends, or null while it renews. */
  endsAt: z.iso.datetime().nullable(),
});
export type SubscriptionSummary = z.infer<typeof SubscriptionSummary>;

/**
 * The buyer is needed for a payment: their bank asks them to confirm it (3D Secure), which only
 * they can do, on Stripe's hosted invoice page. Gone once the invoice is paid.
 */
export const PaymentAction = z.object({
  type: z.literal('confirm_payment'),
  /** The invoice's `hosted_invoice_url`. */
  url: z.url(),
});
export type PaymentAction = z.infer<typeof PaymentAction>;

/** A plan change the buyer confirmed for the end of the period; they keep their plan until `at`. */
export const ScheduledChange = z.object({ plan: PlanName, billing: Billing, at: z.iso.datetime() });
export type ScheduledChange = z.infer<typeof ScheduledChange>;

export const AccountResponse = z.object({
  userId: z.string(),
  entitlement: Entitlement.nullable(),
  subscription: SubscriptionSummary.nullable(),
  paymentAction: PaymentAction.nullable(),
  scheduledChange: ScheduledChange.nullable(),
});
export type AccountResponse = z.infer<typeof AccountResponse>;

export const PortalResponse = z.object({ url: z.url() });

export const PaymentsQuery = z.object({
  limit: z.coerce.number('limit must be a number from 1 to 100').int().min(1).max(100).default(20),
  starting_after: z.string().max(255).optional(),
});

export const PaymentRecord = z.object({
  id: z.string(),
  kind: z.enum(['invoice', 'one_time']),
  description: z.string(),
  amount: z.number().int(),
  currency: z.string(),
  status: z.string(),
  createdAt: z.iso.datetime(),
  receiptUrl: z.string().nullable(),
});
export type PaymentRecord = z.infer<typeof PaymentRecord>;

export const PaymentsResponse = z.object({ data: z.array(PaymentRecord), hasMore: z.boolean() });
export type PaymentsResponse = z.infer<typeof PaymentsResponse>;

export const EntitlementResponse = z.object({
  userId: z.string(),
  entitlement: Entitlement.nullable(),
});

export const accountApi = {
  getSubscription: endpoint({
    method: 'GET',
    path: ACCOUNT_PATH,
    dialect: 'api',
    auth: 'buyer',
    responses: { 200: AccountResponse, 401: ApiFailure },
  }),
  createPortalSession: endpoint({
    method: 'POST',
    path: PORTAL_PATH,
    dialect: 'api',
    auth: 'buyer',
    rateLimit: { perAddress: true, perBuyer: 'billing-portal' },
    responses: { 200: PortalResponse, 401: ApiFailure, 404: ApiFailure, 500: ApiFailure },
  }),
  listPayments: endpoint({
    method: 'GET',
    path: '/api/payments',
    dialect: 'api',
    auth: 'buyer',
    query: PaymentsQuery,
    responses: { 200: PaymentsResponse, 400: ApiFailure, 401: ApiFailure },
  }),
  getEntitlement: endpoint({
    method: 'GET',
    path: '/api/entitlements/:userId',
    dialect: 'api',
    auth: 'server-key',
    responses: { 200: EntitlementResponse, 401: ApiFailure },
  }),
};
