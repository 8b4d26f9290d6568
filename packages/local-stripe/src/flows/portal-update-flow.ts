import type Stripe from 'stripe';
import type { Core } from '../core.ts';
import {
  applyPortalUpdate,
  previewPortalUpdate,
  updateRefusal,
  type PortalUpdate,
} from '../domain/portal-updates.ts';
import { itemOf } from '../objects/subscription.ts';
import type { PortalChoiceView, PortalPriceView, PortalUpdateFlow } from '../pages/flows.ts';
import type { PortalSessionState } from '../store/store.ts';
import { StripeApiError } from '../wire/errors.ts';

const EXPIRED = 'This portal session has expired. Return to the site and open it again.';

interface OpenFlow {
  session: Stripe.BillingPortal.Session;
  state: PortalSessionState;
  flow: Stripe.BillingPortal.Session.Flow;
  configuration: Stripe.BillingPortal.Configuration;
  subscription: Stripe.Subscription;
}

/** The confirmation pages of `subscription_update` and `subscription_update_confirm` deep links. */
export function createPortalUpdateFlow(core: Core): PortalUpdateFlow {
  const { store } = core;

  function priceView(price: Stripe.Price): PortalPriceView {
    const productId = typeof price.product === 'string' ? price.product : price.product.id;
    return {
      priceId: price.id,
      productName: store.products.get(productId)?.name ?? 'Subscription',
      unitAmount: price.unit_amount ?? 0,
      currency: price.currency,
      interval: (price.recurring?.interval ?? 'month') as PortalPriceView['interval'],
    };
  }

  /** The session's update flow while it is still to be done, with its configuration. */
  function openFlow(portalSessionId: string): OpenFlow | { message: string } | null {
    const session = store.portalSessions.get(portalSessionId);
    const state = store.portalSessions.internal(portalSessionId);
    const type = session?.flow?.type;
    if (
      !session ||
      !state ||
      (type !== 'subscription_update' && type !== 'subscription_update_confirm')
    )
      return null;
    if (state.flowCompletedAt !== undefined) return null;
    if (state.expiresAt <= core.clock.now()) return { message: EXPIRED };
    const configuration = store.portalConfigurations.get(session.configuration as string)!;
    const flow = session.flow!;
    const subscriptionId =
      flow.subscription_update_confirm?.subscription ?? flow.subscription_update!.subscription;
    return {
      session,
      state,
      flow,
      configuration,
      subscription: store.subscriptions.get(subscriptionId)!,
    };
  }

  /** The change a confirm flow names, or the one chosen in an update flow, if the portal allows it. */
  function updateOf(
    open: OpenFlow,
    chosen: string | undefined,
  ): PortalUpdate | { message: string } {
    const confirm = open.flow.subscription_update_confirm?.items[0];
    const priceId = confirm?.price ?? chosen;
    const price = priceId ? store.prices.get(priceId) : undefined;
    if (!price) return { message: 'Choose one of the plans offered.' };
    const refusal = updateRefusal(
      core,
      open.subscription,
      open.configuration.features.subscription_update,
      price.id,
    );
    if (refusal) return { message: refusal };
    return { subscription: open.subscription, price, quantity: confirm?.quantity ?? 1 };
  }

  function choices(open: OpenFlow): PortalChoiceView {
    const current = itemOf(open.subscription).price;
    const feature = open.configuration.features.subscription_update;
    const options = (feature.products ?? [])
      .flatMap((entry) => entry.prices)
      .filter((id) => id !== current.id && !updateRefusal(core, open.subscription, feature, id))
      .map((id) => priceView(store.prices.get(id)!));
    return {
      kind: 'choose',
      sessionId: open.session.id,
      returnUrl: open.session.return_url,
      current: priceView(current),
      options,
    };
  }

  return {
    updatePage(portalSessionId, priceId) {
      const open = openFlow(portalSessionId);
      if (!open || 'message' in open) return open;
      if (open.flow.type === 'subscription_update' && priceId === undefined) return choices(open);
      const update = updateOf(open, priceId);
      if ('message' in update) return update;
      const feature = open.configuration.features.subscription_update;
      const { atPeriodEnd, invoice } = previewPortalUpdate(core, update, feature);
      const item = itemOf(open.subscription);
      return {
        kind: 'confirm',
        sessionId: open.session.id,
        returnUrl: open.session.return_url,
        current: priceView(item.price),
        next: priceView(update.price),
        atPeriodEnd,
        effectiveAt: atPeriodEnd ? item.current_period_end : invoice.created,
        lines: atPeriodEnd
          ? []
          : invoice.lines.data.map((line) => ({
              description: line.description ?? '',
              amount: line.amount,
            })),
        amountDue: atPeriodEnd ? 0 : invoice.amount_due,
        currency: invoice.currency,
        nextAmount: atPeriodEnd ? invoice.amount_due : (update.price.unit_amount ?? 0),
        nextRenewalAt: atPeriodEnd
          ? item.current_period_end
          : Math.max(item.current_period_end, ...invoice.lines.data.map((l) => l.period.end)),
      };
    },

    confirmUpdate(portalSessionId, priceId) {
      const open = openFlow(portalSessionId);
      if (!open) return { message: 'This change was already confirmed.' };
      if ('message' in open) return open;
      const update = updateOf(open, priceId);
      if ('message' in update) return update;
      try {
        core.db.transaction(() => {
          applyPortalUpdate(core, update, open.configuration.features.subscription_update);
          store.portalSessions.update(open.session, {
            ...open.state,
            flowCompletedAt: core.clock.now(),
          });
        })();
      } catch (error) {
        // A declined upgrade changes nothing; the customer reads why and may try another card.
        if (error instanceof StripeApiError) return { message: error.message };
        throw error;
      }
      const after = open.flow.after_completion;
      return {
        redirectUrl:
          after.type === 'redirect'
            ? after.redirect!.return_url
            : // The portal's homepage; the pages are optional modules, so their helper is not imported.
              `/p/session/${encodeURIComponent(portalSessionId)}`,
      };
    },
  };
}
