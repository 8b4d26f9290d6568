// What a buyer has, what they paid and where they manage it, as the account endpoints answer it.
import type Stripe from 'stripe';
import {
  isoFromUnix,
  type AccountResponse,
  type Entitlement,
  type PaymentAction,
  type PaymentsResponse,
  type ScheduledChange,
  type SubscriptionSummary,
} from '../../shared/index.ts';
import { AppError } from '../errors.ts';
import type { Storage } from '../storage/index.ts';
import type { StoredSubscription } from '../storage/subscriptions.ts';

/** Subscriptions that will never bill again: nothing is left for the buyer to confirm. */
const ENDED = new Set(['canceled', 'incomplete_expired']);

export class AccountService {
  constructor(
    private readonly deps: {
      stripe: Stripe;
      storage: Storage;
      /** The buyer comes back to `${appUrl}/account` from the billing portal. */
      appUrl: string;
      /** STRIPE_PORTAL_CONFIGURATION_ID; without it, the account's default configuration. */
      portalConfiguration?: string | undefined;
    },
  ) {}

  async summary(userId: string): Promise<AccountResponse> {
    const { storage } = this.deps;
    const [latest] = await storage.subscriptions.listForUser(userId);
    const live = latest && !ENDED.has(latest.status);
    return {
      userId,
      entitlement: await this.entitlement(userId),
      subscription: latest ? summarize(latest) : null,
      paymentAction: live ? await this.#paymentAction(userId) : null,
      scheduledChange: live ? scheduledChangeOf(latest) : null,
    };
  }

  /** What the user may use now; for the buyer, and for the site's backend. */
  async entitlement(userId: string): Promise<Entitlement | null> {
    const { storage } = this.deps;
    const row = await storage.entitlements.get(userId);
    const subscription = row?.subscription_id
      ? await storage.subscriptions.find(row.subscription_id)
      : undefined;
    return row
      ? {
          plan: row.plan,
          billing: row.billing,
          source: row.source,
          status: row.status,
          trialEndsAt: subscription ? trialEndOf(subscription) : null,
        }
      : null;
  }

  /** Newest first, `limit` a page, after the payment `startingAfter` names (the buyer's own). */
  async payments(
    userId: string,
    page: { limit: number; starting_after?: string },
  ): Promise<PaymentsResponse> {
    const { storage } = this.deps;
    const after = page.starting_after
      ? await storage.payments.findForUser(page.starting_after, userId)
      : undefined;
    if (page.starting_after && !after) throw new AppError('payment_not_found');
    const rows = await storage.payments.list(userId, page.limit + 1, after);
    return {
      data: rows.slice(0, page.limit).map((row) => ({
        id: row.id,
        kind: row.kind,
        description: row.description,
        amount: row.amount,
        currency: row.currency,
        status: row.status,
        createdAt: isoFromUnix(row.created),
        receiptUrl: row.receipt_url,
      })),
      hasMore: rows.length > page.limit,
    };
  }

  /** A Stripe billing portal session for the buyer's customer. */
  async portalUrl(userId: string): Promise<string> {
    const { stripe, storage, appUrl, portalConfiguration } = this.deps;
    const customer = await storage.customers.customerIdFor(userId);
    if (!customer) throw new AppError('no_customer');
    const session = await stripe.billingPortal.sessions
      .create({
        customer,
        return_url: `${appUrl}/account`,
        ...(portalConfiguration && { configuration: portalConfiguration }),
      })
      .catch((cause: unknown) => {
        throw new AppError('portal_failed', undefined, { cause });
      });
    return session.url;
  }

  async #paymentAction(userId: string): Promise<PaymentAction | null> {
    const invoice = await this.deps.storage.payments.awaitingBuyer(userId);
    return invoice?.receipt_url ? { type: 'confirm_payment', url: invoice.receipt_url } : null;
  }
}

/** Only while the trial runs: afterwards `trial_end` is history. */
const trialEndOf = (row: StoredSubscription) =>
  row.status === 'trialing' && row.trial_end !== null ? isoFromUnix(row.trial_end) : null;

function scheduledChangeOf(row: StoredSubscription): ScheduledChange | null {
  if (!row.scheduled_plan || !row.scheduled_billing || row.scheduled_at === null) return null;
  return {
    plan: row.scheduled_plan as ScheduledChange['plan'],
    billing: row.scheduled_billing as ScheduledChange['billing'],
    at: isoFromUnix(row.scheduled_at),
  };
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
    trialEndsAt: trialEndOf(row),
    endsAt:
      row.status === 'canceled' && row.ended_at !== null
        ? isoFromUnix(row.ended_at)
        : ending
          ? periodEnd
          : null,
  };
}
