import type Stripe from 'stripe';
import { Collection } from './collection.ts';
import type { Db } from './db.ts';

/** What a Checkout session remembers that its API object does not show. */
export interface SessionState {
  lineItems: Stripe.LineItem[];
  /** The promotion code as the buyer typed it on the page, for showing it back. */
  promotionCodeText: string | null;
  couponId: string | null;
  promotionCodeId: string | null;
  subscriptionMetadata: Record<string, string>;
  paymentIntentMetadata: Record<string, string>;
  /** `subscription_data`'s trial: a fixed end, or days counted from completion. */
  trial?: {
    end: number | null;
    days: number | null;
    missingPaymentMethod: 'cancel' | 'create_invoice' | 'pause';
  };
}

export interface CustomerState {
  /** The card number last paid with: renewals charge it, so a control route can swap it. */
  card: string | null;
}

export interface SubscriptionState {
  couponId: string | null;
  promotionCodeId: string | null;
  /** Invoices already issued, so a `repeating`/`once` coupon knows when to stop. */
  invoicesIssued: number;
  failedAttempts: number;
  /** Stripe time of the next payment retry while past_due. */
  nextRetryAt: number | null;
  /** customer.subscription.trial_will_end went out for the current trial_end. */
  trialWillEndSentFor?: number;
}

export interface WebhookEndpointState {
  secret: string;
  /** Deleted endpoints stay so their past deliveries can still be listed. */
  deleted?: boolean;
}

export interface PortalSessionState {
  /** Stripe time after which the portal link stops working. */
  expiresAt: number;
  /** A deep link does its one action once; a second confirm (a reload, a back button) does nothing. */
  flowCompletedAt?: number;
}

export interface Delivery {
  id: string;
  event_id: string;
  endpoint_id: string;
  /** `held` waits for the control API; `pending` is sent by the deliverer as soon as it is due. */
  status: 'held' | 'pending' | 'succeeded' | 'failed';
  attempts: number;
  /** Real epoch milliseconds: retries wait in real time, whatever the Stripe clock says. */
  next_attempt_at: number;
  last_status: number | null;
  last_error: string | null;
}

function expandableId(value: string | { id?: string } | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  return typeof value === 'string' ? value : (value.id ?? null);
}

export type Store = ReturnType<typeof createStore>;

export function createStore(db: Db) {
  return {
    products: new Collection<Stripe.Product>(db, 'products'),
    prices: new Collection<Stripe.Price>(db, 'prices', {
      lookup_key: (p) => p.lookup_key,
      product: (p) => expandableId(p.product),
    }),
    customers: new Collection<Stripe.Customer, CustomerState>(db, 'customers', {
      email: (c) => c.email,
    }),
    coupons: new Collection<Stripe.Coupon>(db, 'coupons'),
    promotionCodes: new Collection<Stripe.PromotionCode>(db, 'promotion_codes', {
      code: (p) => p.code.toUpperCase(),
    }),
    checkoutSessions: new Collection<Stripe.Checkout.Session, SessionState>(
      db,
      'checkout_sessions',
      {
        status: (s) => s.status,
        customer: (s) => expandableId(s.customer),
        payment_intent: (s) => expandableId(s.payment_intent),
        subscription: (s) => expandableId(s.subscription),
      },
    ),
    subscriptions: new Collection<Stripe.Subscription, SubscriptionState>(db, 'subscriptions', {
      customer: (s) => expandableId(s.customer),
      status: (s) => s.status,
    }),
    invoices: new Collection<Stripe.Invoice>(db, 'invoices', {
      customer: (i) => expandableId(i.customer),
      subscription: (i) => expandableId(i.parent?.subscription_details?.subscription),
    }),
    /** Pending (`invoice: null`) until an invoice of their subscription takes them in. */
    invoiceItems: new Collection<Stripe.InvoiceItem>(db, 'invoice_items', {
      customer: (i) => expandableId(i.customer),
      subscription: (i) => expandableId(i.parent?.subscription_details?.subscription),
    }),
    subscriptionSchedules: new Collection<Stripe.SubscriptionSchedule>(
      db,
      'subscription_schedules',
      {
        customer: (s) => expandableId(s.customer),
        status: (s) => s.status,
      },
    ),
    paymentIntents: new Collection<Stripe.PaymentIntent>(db, 'payment_intents', {
      customer: (p) => expandableId(p.customer),
    }),
    charges: new Collection<Stripe.Charge>(db, 'charges', {
      customer: (c) => expandableId(c.customer),
      payment_intent: (c) => expandableId(c.payment_intent),
    }),
    refunds: new Collection<Stripe.Refund>(db, 'refunds', {
      charge: (r) => expandableId(r.charge),
    }),
    disputes: new Collection<Stripe.Dispute>(db, 'disputes'),
    portalConfigurations: new Collection<Stripe.BillingPortal.Configuration>(
      db,
      'billing_portal_configurations',
      { is_default: (c) => Number(c.is_default) },
    ),
    portalSessions: new Collection<Stripe.BillingPortal.Session, PortalSessionState>(
      db,
      'billing_portal_sessions',
    ),
    events: new Collection<Stripe.Event>(db, 'events', {
      type: (e) => e.type,
    }),
    webhookEndpoints: new Collection<Stripe.WebhookEndpoint, WebhookEndpointState>(
      db,
      'webhook_endpoints',
    ),
    deliveries: new Collection<Delivery>(db, 'deliveries', {
      status: (d) => d.status,
      event_id: (d) => d.event_id,
    }),
  };
}

/** Forgets every object but the webhook endpoints, which are configuration rather than state. */
export function clearStore(store: Store): void {
  for (const [name, collection] of Object.entries(store)) {
    if (name !== 'webhookEndpoints') collection.clear();
  }
}
