// The buyer's subscription, billing portal and payment history; entitlements for the site's backend.
import Router from '@koa/router';
import type Stripe from 'stripe';
import {
  isoFromUnix,
  accountApi,
  type AccountResponse,
  type Entitlement,
  type PaymentAction,
  type PaymentsResponse,
  type SubscriptionSummary,
} from '../../shared/index.ts';
import { AppError } from '../errors.ts';
import type { Mount } from '../http/mount.ts';
import type { Storage } from '../storage/index.ts';
import type { StoredSubscription } from '../storage/subscriptions.ts';

export function accountRoutes(deps: {
  stripe: Stripe;
  storage: Storage;
  appUrl: string;
  mount: Mount;
}): Router {
  const { storage } = deps;
  const router = new Router();

  deps.mount(router, accountApi.getSubscription, ({ userId }, ctx) => {
    const latest = storage.subscriptions.listForUser(userId)[0];
    ctx.body = {
      userId,
      entitlement: entitlementOf(storage, userId),
      subscription: latest ? summarize(latest) : null,
      paymentAction: latest && !ENDED.has(latest.status) ? paymentActionOf(storage, userId) : null,
    } satisfies AccountResponse;
  });

  deps.mount(router, accountApi.createPortalSession, async ({ userId }, ctx) => {
    const customer = storage.customers.customerIdFor(userId);
    if (!customer) throw new AppError('no_customer');
    const session = await deps.stripe.billingPortal.sessions
      .create({ customer, return_url: `${deps.appUrl}/account` })
      .catch((cause: unknown) => {
        throw new AppError('portal_failed', undefined, { cause });
      });
    ctx.body = { url: session.url };
  });

  deps.mount(router, accountApi.listPayments, ({ userId, query }, ctx) => {
    const after = query.starting_after
      ? storage.payments.findForUser(query.starting_after, userId)
      : undefined;
    if (query.starting_after && !after) throw new AppError('payment_not_found');
    const rows = storage.payments.list(userId, query.limit + 1, after);
    ctx.body = {
      data: rows.slice(0, query.limit).map((row) => ({
        id: row.id,
        kind: row.kind,
        description: row.description,
        amount: row.amount,
        currency: row.currency,
        status: row.status,
        createdAt: isoFromUnix(row.created),
        receiptUrl: row.receipt_url,
      })),
      hasMore: rows.length > query.limit,
    } satisfies PaymentsResponse;
  });

  deps.mount(router, accountApi.getEntitlement, ({ params }, ctx) => {
    const userId = params.userId!;
    ctx.body = { userId, entitlement: entitlementOf(storage, userId) };
  });

  return router;
}

function entitlementOf(storage: Storage, userId: string): Entitlement | null {
  const row = storage.entitlements.get(userId);
  return row
    ? ({
        plan: row.plan,
        billing: row.billing,
        source: row.source,
        status: row.status,
      } as Entitlement)
    : null;
}

/** Subscriptions that will never bill again: nothing is left for the buyer to confirm. */
const ENDED = new Set(['canceled', 'incomplete_expired']);

function paymentActionOf(storage: Storage, userId: string): PaymentAction | null {
  const invoice = storage.payments.awaitingBuyer(userId);
  return invoice?.receipt_url ? { type: 'confirm_payment', url: invoice.receipt_url } : null;
}

function summarize(row: StoredSubscription): SubscriptionSummary {
  const periodEnd = row.current_period_end === null ? null : isoFromUnix(row.current_period_end);
  // A paused subscription bills no more periods until it is resumed.
  const ending = row.cancel_at_period_end === 1 || row.status === 'canceled';
  const renews = !ending && row.status !== 'paused';
  return {
    id: row.id,
    plan: row.plan as SubscriptionSummary['plan'],
    billing: row.billing as SubscriptionSummary['billing'],
    status: row.status as SubscriptionSummary['status'],
    cancelAtPeriodEnd: row.cancel_at_period_end === 1,
    currentPeriodEnd: periodEnd,
    renewsAt: renews ? periodEnd : null,
    endsAt:
      row.status === 'canceled' && row.ended_at !== null
        ? isoFromUnix(row.ended_at)
        : ending
          ? periodEnd
          : null,
  };
}
