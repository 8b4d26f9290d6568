// `flow_data` on a portal session: a deep link into one action, checked as Stripe checks it when
// the session is created (docs.stripe.com/customer-management/portal-deep-links).
import type Stripe from 'stripe';
import { z } from 'zod';
import type { Core } from '../core.ts';
import type { PortalConfiguration } from '../objects/portal-configuration.ts';
import { itemOf } from '../objects/subscription.ts';
import { invalidRequest, noSuch } from '../wire/errors.ts';
import { int, str } from '../wire/params.ts';
import { customerIdOf } from './billing.ts';
import { flowPrice, updateRefusal } from './portal-updates.ts';

export const FlowDataParam = z.strictObject({
  type: z.enum([
    'payment_method_update',
    'subscription_cancel',
    'subscription_pause',
    'subscription_update',
    'subscription_update_confirm',
  ]),
  after_completion: z
    .strictObject({
      type: z.enum(['hosted_confirmation', 'portal_homepage', 'redirect']),
      redirect: z.strictObject({ return_url: str }).optional(),
      hosted_confirmation: z.strictObject({ custom_message: str.optional() }).optional(),
    })
    .optional(),
  subscription_update: z.strictObject({ subscription: str }).optional(),
  subscription_update_confirm: z
    .strictObject({
      subscription: str,
      items: z.array(
        z.strictObject({ id: str.optional(), price: str.optional(), quantity: int.optional() }),
      ),
    })
    .optional(),
});
export type FlowDataParam = z.infer<typeof FlowDataParam>;

const PARAM = 'flow_data';

function afterCompletion(
  param: FlowDataParam['after_completion'],
): Stripe.BillingPortal.Session.Flow.AfterCompletion {
  const type = param?.type ?? 'portal_homepage';
  if (type === 'redirect' && !param?.redirect) {
    throw invalidRequest(
      `Missing required param: ${PARAM}[after_completion][redirect].`,
      'parameter_missing',
      `${PARAM}[after_completion][redirect]`,
    );
  }
  return {
    type,
    redirect: type === 'redirect' ? { return_url: param!.redirect!.return_url } : null,
    hosted_confirmation:
      type === 'hosted_confirmation'
        ? { custom_message: param?.hosted_confirmation?.custom_message ?? null }
        : null,
  };
}

/** The customer's own subscription, or a 400 naming the param. */
function customersSubscription(
  core: Core,
  customer: string,
  id: string,
  param: string,
): Stripe.Subscription {
  const subscription = core.store.subscriptions.get(id);
  if (!subscription) throw noSuch('subscription', id, param);
  if (customerIdOf(subscription) !== customer) {
    throw invalidRequest(
      `The subscription ${id} does not belong to the customer ${customer}.`,
      undefined,
      param,
    );
  }
  return subscription;
}

/**
 * The session's `flow`. Only the subscription update flows are served here: the local Stripe's
 * portal has no pages for the others, so it refuses them rather than open the homepage.
 */
export function portalFlow(
  core: Core,
  customer: string,
  configuration: PortalConfiguration,
  param: FlowDataParam,
): Stripe.BillingPortal.Session.Flow {
  const feature = configuration.features.subscription_update;
  const base = {
    after_completion: afterCompletion(param.after_completion),
    customer_update: null,
    subscription_cancel: null,
    subscription_pause: null,
    subscription_update: null,
    subscription_update_confirm: null,
    type: param.type,
  };
  if (param.type === 'subscription_update') {
    const asked = param.subscription_update;
    if (!asked) throw missing('subscription_update');
    const subscription = customersSubscription(
      core,
      customer,
      asked.subscription,
      `${PARAM}[subscription_update][subscription]`,
    );
    if (!feature.enabled)
      throw refused('The portal configuration does not allow subscription updates.');
    return { ...base, subscription_update: { subscription: subscription.id } };
  }
  if (param.type === 'subscription_update_confirm') {
    const asked = param.subscription_update_confirm;
    if (!asked) throw missing('subscription_update_confirm');
    const at = `${PARAM}[subscription_update_confirm]`;
    const subscription = customersSubscription(
      core,
      customer,
      asked.subscription,
      `${at}[subscription]`,
    );
    // "Currently, only up to one may be specified and subscriptions with multiple items are not
    // updatable" (Flow.SubscriptionUpdateConfirm.items in the SDK's types).
    const [item, ...others] = asked.items;
    if (!item || others.length > 0) {
      throw invalidRequest(`${at}[items] must name exactly one item.`, undefined, `${at}[items]`);
    }
    if (item.id !== itemOf(subscription).id) {
      throw invalidRequest(
        `No such subscription_item: '${item.id ?? ''}'`,
        'resource_missing',
        `${at}[items][0][id]`,
      );
    }
    const price = flowPrice(core, item.price, `${at}[items][0][price]`);
    const refusal = updateRefusal(core, subscription, feature, price.id);
    if (refusal) throw refused(refusal);
    return {
      ...base,
      subscription_update_confirm: {
        discounts: [],
        items: [{ id: item.id, price: price.id, quantity: item.quantity ?? 1 }],
        subscription: subscription.id,
      },
    };
  }
  throw invalidRequest(
    `The local Stripe's portal has no page for the ${param.type} flow.`,
    undefined,
    `${PARAM}[type]`,
  );
}

const missing = (name: string) =>
  invalidRequest(
    `Missing required param: ${PARAM}[${name}].`,
    'parameter_missing',
    `${PARAM}[${name}]`,
  );

const refused = (message: string) => invalidRequest(message, undefined, PARAM);
