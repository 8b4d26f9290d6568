// A subscriber moving to another catalog price: what it costs, shown before anything changes, and
// Stripe's billing portal page where the buyer confirms exactly that change.
import type Stripe from 'stripe';
import { isoFromUnix, type CatalogEntry, type ChangePreview } from '../../shared/index.ts';
import { AppError } from '../errors.ts';
import { LIVE_SUBSCRIPTION_STATUSES } from '../storage/entitlements.ts';
import type { Storage } from '../storage/index.ts';
import type { StoredSession } from '../storage/checkout-sessions.ts';
import type { PriceBook, PriceInfo } from './catalog.ts';
import { idOf } from './fulfilment.ts';

export interface PlanChangeDeps {
  stripe: Stripe;
  storage: Storage;
  prices: PriceBook;
  /** Where the buyer lands after confirming, or leaving, the change. */
  appUrl: string;
  /** The portal configuration to open, when the account has no default one. */
  portalConfiguration?: string | undefined;
}

/** What a checkout request for another plan answers: the portal page confirming the change. */
export type PlanChangeLink = Pick<
  StoredSession,
  'id' | 'url' | 'expires_at' | 'ui_mode' | 'client_secret'
>;

/**
 * Stripe gives a portal session no expiry, only that it is short-lived and expires when not
 * visited; the answer promises the few minutes a redirect needs.
 */
const LINK_LIFETIME_SECONDS = 5 * 60;

const LIVE = new Set<string>(LIVE_SUBSCRIPTION_STATUSES);

const DAYS: Record<string, number> = { day: 1, week: 7, month: 30, year: 365 };
const intervalDays = (recurring: { interval: string; interval_count?: number } | null) =>
  recurring ? DAYS[recurring.interval]! * (recurring.interval_count ?? 1) : 0;

/**
 * The portal configuration `npm run stripe:setup` saves schedules a change at the period end when
 * the item's amount decreases or its interval shortens (`schedule_at_period_end.conditions`):
 * the buyer keeps what they paid for until then. Any other change applies at once, invoiced
 * prorated (`always_invoice`). This is the same rule, so the preview says what the portal does.
 */
export function waitsForPeriodEnd(current: Stripe.Price, target: PriceInfo): boolean {
  const targetDays = intervalDays(target.interval && { interval: target.interval });
  return target.amount < (current.unit_amount ?? 0) || targetDays < intervalDays(current.recurring);
}

interface LiveSubscription {
  subscription: Stripe.Subscription;
  item: Stripe.SubscriptionItem;
  customer: string;
}

export class PlanChanges {
  constructor(private readonly deps: PlanChangeDeps) {}

  /** What moving the buyer's subscription to `entry` costs now and at the next renewal. */
  async preview(userId: string, entry: CatalogEntry): Promise<ChangePreview> {
    const { subscription, item, customer, target } = await this.#change(userId, entry);
    const atPeriodEnd = waitsForPeriodEnd(item.price, target);
    // No proration_date: "now" is Stripe's clock (a test clock's, or the local Stripe's), which
    // Stripe reports back as `subscription_proration_date`.
    const invoice = await stripeCall('preview_failed', () =>
      this.deps.stripe.invoices.createPreview({
        customer,
        subscription: subscription.id,
        subscription_details: {
          items: [{ id: item.id, price: target.priceId }],
          proration_behavior: atPeriodEnd ? 'none' : 'always_invoice',
        },
      }),
    );
    const base = { plan: entry.plan, billing: entry.billing, currency: invoice.currency };
    if (atPeriodEnd) {
      // The preview is then the renewal invoice at the new price.
      const at = isoFromUnix(item.current_period_end);
      return {
        ...base,
        effective: 'period_end',
        effectiveAt: at,
        amountDue: 0,
        nextAmount: invoice.amount_due,
        nextRenewalAt: at,
        prorationDate: null,
      };
    }
    const prorationDate =
      invoice.parent?.subscription_details?.subscription_proration_date ?? invoice.created;
    // A new interval restarts the period now; otherwise the prorations run to the period's end.
    const renewal = Math.max(
      item.current_period_end,
      ...invoice.lines.data.map((line) => line.period.end),
    );
    return {
      ...base,
      effective: 'now',
      effectiveAt: isoFromUnix(prorationDate),
      amountDue: invoice.amount_due,
      nextAmount: target.amount,
      nextRenewalAt: isoFromUnix(renewal),
      prorationDate: isoFromUnix(prorationDate),
    };
  }

  /** Stripe's billing portal page confirming exactly this change, applied as its configuration says. */
  async confirmationLink(userId: string, entry: CatalogEntry): Promise<PlanChangeLink> {
    const { subscription, item, customer, target } = await this.#change(userId, entry);
    const returnUrl = `${this.deps.appUrl}/account`;
    const session = await stripeCall('checkout_failed', () =>
      this.deps.stripe.billingPortal.sessions.create({
        customer,
        return_url: returnUrl,
        ...(this.deps.portalConfiguration && { configuration: this.deps.portalConfiguration }),
        flow_data: {
          type: 'subscription_update_confirm',
          subscription_update_confirm: {
            subscription: subscription.id,
            items: [{ id: item.id, price: target.priceId, quantity: 1 }],
          },
          after_completion: { type: 'redirect', redirect: { return_url: returnUrl } },
        },
      }),
    );
    return {
      id: session.id,
      url: session.url,
      expires_at: session.created + LINK_LIFETIME_SECONDS,
      // The portal is a page of Stripe's, whatever the checkout would have been.
      ui_mode: 'hosted',
      client_secret: null,
    };
  }

  /** The buyer's live subscription and the price it would move to, or why it cannot. */
  async #change(userId: string, entry: CatalogEntry) {
    const live = await this.#live(userId);
    const target = await stripeCall('preview_failed', () => this.deps.prices.price(entry));
    if (!target || entry.mode !== 'subscription') throw new AppError('plan_unavailable');
    if (target.priceId === live.item.price.id) throw new AppError('already_subscribed');
    // The portal refuses to update a subscription whose schedule still has a phase to come.
    const upcoming = await stripeCall('preview_failed', () =>
      upcomingPhase(this.deps.stripe, live.subscription),
    );
    if (upcoming) throw new AppError('plan_change_scheduled');
    return { ...live, target };
  }

  /** Read from Stripe: the item id and the period are needed as Stripe has them now. */
  async #live(userId: string): Promise<LiveSubscription> {
    const rows = await this.deps.storage.subscriptions.listForUser(userId);
    const row = rows.find((candidate) => LIVE.has(candidate.status));
    if (!row) throw new AppError('no_subscription');
    const subscription = await stripeCall('preview_failed', () =>
      this.deps.stripe.subscriptions.retrieve(row.id),
    );
    const item = subscription.items.data[0];
    if (!item || !LIVE.has(subscription.status)) throw new AppError('no_subscription');
    return { subscription, item, customer: idOf(subscription.customer)! };
  }
}

/**
 * The plan a subscription's schedule moves it to when its current phase ends, or null. The portal
 * schedules a downgrade this way: the current phase runs to the period's end, the next one holds
 * the new price.
 */
export async function scheduledChangeOf(
  stripe: Stripe,
  prices: PriceBook,
  subscription: Stripe.Subscription,
): Promise<{ entry: CatalogEntry; at: number } | null> {
  const next = await upcomingPhase(stripe, subscription);
  const priceId = idOf(next?.items[0]?.price);
  if (!next || !priceId || priceId === subscription.items.data[0]?.price.id) return null;
  const entry = await prices.entryForPrice(priceId);
  return entry ? { entry, at: next.start_date } : null;
}

/** The phase of the subscription's schedule that follows the current one, if there is one. */
async function upcomingPhase(
  stripe: Stripe,
  subscription: Stripe.Subscription,
): Promise<Stripe.SubscriptionSchedule.Phase | null> {
  const scheduleId = idOf(subscription.schedule);
  if (!scheduleId) return null;
  const schedule = await stripe.subscriptionSchedules.retrieve(scheduleId);
  const end = schedule.current_phase?.end_date;
  return (end !== undefined && schedule.phases.find((phase) => phase.start_date === end)) || null;
}

/** A Stripe failure, after the SDK's own retries, is the route's 500: the buyer can try again. */
async function stripeCall<T>(
  failure: 'preview_failed' | 'checkout_failed',
  call: () => Promise<T>,
): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError(failure, undefined, { cause: error });
  }
}
