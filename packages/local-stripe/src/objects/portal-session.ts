import type Stripe from 'stripe';

export function buildPortalSession(input: {
  id: string;
  configuration: string;
  customer: string;
  url: string;
  returnUrl: string | null;
  locale: Stripe.BillingPortal.Session.Locale | null;
  flow: Stripe.BillingPortal.Session.Flow | null;
  created: number;
}): Stripe.BillingPortal.Session {
  return {
    id: input.id,
    object: 'billing_portal.session',
    configuration: input.configuration,
    created: input.created,
    customer: input.customer,
    customer_account: null,
    flow: input.flow,
    livemode: false,
    locale: input.locale,
    on_behalf_of: null,
    return_url: input.returnUrl,
    url: input.url,
  };
}
