import type Stripe from 'stripe';
import type { Core } from '../core.ts';
import { cancelSubscription, setCancelAtPeriodEnd } from '../domain/subscription-changes.ts';
import { itemOf } from '../objects/subscription.ts';
import { createPortalUpdateFlow } from './portal-update-flow.ts';
import type {
  PortalFeaturesView,
  PortalFlow,
  PortalPageView,
  PortalSubscriptionView,
} from '../pages/flows.ts';

const EXPIRED = 'This portal session has expired. Return to the site and open it again.';

/** What the hosted billing portal shows and does, on the same state the API serves. */
export function createPortalFlow(core: Core): PortalFlow {
  const { store } = core;

  function customerOf(portalSessionId: string): string | null {
    const session = store.portalSessions.get(portalSessionId);
    const state = store.portalSessions.internal(portalSessionId);
    if (!session || !state || state.expiresAt <= core.clock.now()) return null;
    return session.customer;
  }

  function subscriptionView(subscription: Stripe.Subscription): PortalSubscriptionView {
    const item = itemOf(subscription);
    const productId =
      typeof item.price.product === 'string' ? item.price.product : item.price.product.id;
    return {
      id: subscription.id,
      productName: store.products.get(productId)?.name ?? 'Subscription',
      unitAmount: item.price.unit_amount ?? 0,
      currency: item.price.currency,
      interval: (item.price.recurring?.interval ?? 'month') as PortalSubscriptionView['interval'],
      status: subscription.status,
      cancelAtPeriodEnd: subscription.cancel_at_period_end,
      currentPeriodEnd: item.current_period_end,
    };
  }

  /** The session's configuration, or null for a session made before configurations existed. */
  function configurationOf(session: Stripe.BillingPortal.Session) {
    const id = typeof session.configuration === 'string' ? session.configuration : null;
    return (id && store.portalConfigurations.get(id)) || null;
  }

  function featuresOf(configuration: Stripe.BillingPortal.Configuration): PortalFeaturesView {
    const { invoice_history, subscription_cancel } = configuration.features;
    return {
      invoiceHistory: invoice_history.enabled,
      cancel: subscription_cancel.enabled
        ? subscription_cancel.mode === 'immediately'
          ? 'immediately'
          : 'at_period_end'
        : null,
    };
  }

  function view(portalSessionId: string): PortalPageView | null {
    const customerId = customerOf(portalSessionId);
    if (!customerId) return null;
    const session = store.portalSessions.get(portalSessionId)!;
    const customer = store.customers.get(customerId);
    const configuration = configurationOf(session);
    return {
      id: session.id,
      customerEmail: customer?.email ?? null,
      returnUrl: session.return_url ?? configuration?.default_return_url ?? null,
      ...(configuration ? { features: featuresOf(configuration) } : {}),
      subscriptions: store.subscriptions
        .findBy('customer', customerId)
        .filter((s) => s.status !== 'canceled' && s.status !== 'incomplete_expired')
        .map(subscriptionView),
      invoices: store.invoices
        .findBy('customer', customerId)
        .filter((i) => i.status !== 'draft')
        .map((i) => ({
          id: i.id,
          number: i.number,
          amountPaid: i.amount_paid,
          currency: i.currency,
          status: i.status ?? 'open',
          created: i.created,
        })),
    };
  }

  function change(
    portalSessionId: string,
    subscriptionId: string,
    cancel: boolean,
  ): PortalPageView | { message: string } {
    const customerId = customerOf(portalSessionId);
    if (!customerId) return { message: EXPIRED };
    const subscription = store.subscriptions.get(subscriptionId);
    if (!subscription || subscription.customer !== customerId) {
      return { message: 'That subscription is not part of this account.' };
    }
    if (subscription.status === 'canceled')
      return { message: 'This subscription has already ended.' };
    const session = store.portalSessions.get(portalSessionId)!;
    const configuration = configurationOf(session);
    const mode = configuration ? featuresOf(configuration).cancel : 'at_period_end';
    // A hidden button is no guard: the form can still be posted.
    if (cancel && mode === null) return { message: 'Plans cannot be cancelled here.' };
    if (cancel && mode === 'immediately') {
      core.db.transaction(() => cancelSubscription(core, subscription, 'cancellation_requested'))();
    } else if (subscription.cancel_at_period_end !== cancel) {
      core.db.transaction(() => setCancelAtPeriodEnd(core, subscription, cancel))();
    }
    return view(portalSessionId) ?? { message: EXPIRED };
  }

  return {
    view,
    updates: createPortalUpdateFlow(core),
    cancelAtPeriodEnd: (portalSessionId, subscriptionId) =>
      change(portalSessionId, subscriptionId, true),
    resume: (portalSessionId, subscriptionId) => change(portalSessionId, subscriptionId, false),
  };
}
