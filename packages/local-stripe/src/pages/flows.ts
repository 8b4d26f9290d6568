// What the local Stripe's hosted pages (checkout and billing portal) need from its core.
// The core implements these; the pages only render views and post forms.

export interface CheckoutLineView {
  productName: string;
  description: string | null;
  /** Minor units (cents). */
  unitAmount: number;
  quantity: number;
  /** `week`, `month`, `year`, or null for a one-time price. */
  interval: 'day' | 'week' | 'month' | 'year' | null;
  intervalCount: number;
}

export interface CheckoutPageView {
  id: string;
  status: 'open' | 'complete' | 'expired';
  mode: 'payment' | 'subscription' | 'setup';
  currency: string;
  lines: CheckoutLineView[];
  amountSubtotal: number;
  amountDiscount: number;
  amountTotal: number;
  /** The applied promotion code as the buyer typed it, with what it takes off ("20% off"). */
  discount: { code: string | null; label: string } | null;
  allowPromotionCodes: boolean;
  /** Pre-filled from the session's customer or customer_email; null lets the buyer type one. */
  email: string | null;
  emailLocked: boolean;
  cancelUrl: string | null;
  /** Unix seconds. */
  expiresAt: number;
  livemode: false;
  /** Days of free trial before the first charge, when the subscription starts with one. */
  trialDays?: number | null;
  /** False when nothing is due today and the session collects a card only if required. */
  cardRequired?: boolean;
}

export interface CardInput {
  email: string;
  name?: string;
  number: string;
  expMonth: number;
  expYear: number;
  cvc: string;
}

export type PayResult =
  | { ok: true; redirectUrl: string }
  | {
      ok: false;
      message: string;
      code:
        | 'card_declined'
        | 'incorrect_number'
        | 'invalid_expiry'
        | 'invalid_cvc'
        | 'expired_session'
        | 'invalid_email';
    };

export type PromotionResult = { ok: true; view: CheckoutPageView } | { ok: false; message: string };

export interface CheckoutFlow {
  view(sessionId: string): CheckoutPageView | null;
  applyPromotionCode(sessionId: string, code: string): PromotionResult;
  removePromotionCode(sessionId: string): PromotionResult;
  pay(sessionId: string, card: CardInput): PayResult;
}

export interface PortalInvoiceView {
  id: string;
  number: string | null;
  amountPaid: number;
  currency: string;
  status: string;
  /** Unix seconds. */
  created: number;
}

export interface PortalSubscriptionView {
  id: string;
  productName: string;
  unitAmount: number;
  currency: string;
  interval: 'day' | 'week' | 'month' | 'year';
  status: string;
  cancelAtPeriodEnd: boolean;
  /** Unix seconds, from the subscription item. */
  currentPeriodEnd: number;
}

/** What the session's portal configuration offers; a view without it offers everything. */
export interface PortalFeaturesView {
  invoiceHistory: boolean;
  /** How "Cancel plan" cancels, or null when the portal does not offer cancelling. */
  cancel: 'at_period_end' | 'immediately' | null;
}

export interface PortalPageView {
  id: string;
  customerEmail: string | null;
  returnUrl: string | null;
  subscriptions: PortalSubscriptionView[];
  invoices: PortalInvoiceView[];
  features?: PortalFeaturesView;
}

/** A price the portal shows: the subscription's, or one it may move to. */
export interface PortalPriceView {
  priceId: string;
  productName: string;
  unitAmount: number;
  currency: string;
  interval: 'day' | 'week' | 'month' | 'year';
}

/** A plan change waiting for the customer's confirmation, priced as it will be billed. */
export interface PortalUpdateView {
  kind: 'confirm';
  sessionId: string;
  returnUrl: string | null;
  current: PortalPriceView;
  next: PortalPriceView;
  /** The change waits for the end of the period (a subscription schedule) instead of applying now. */
  atPeriodEnd: boolean;
  /** Unix seconds. */
  effectiveAt: number;
  /** What confirming charges: the prorations, the credit for unused time among them. */
  lines: { description: string; amount: number }[];
  amountDue: number;
  currency: string;
  nextAmount: number;
  /** Unix seconds. */
  nextRenewalAt: number;
}

/** The `subscription_update` flow's first page: the prices the configuration offers. */
export interface PortalChoiceView {
  kind: 'choose';
  sessionId: string;
  returnUrl: string | null;
  current: PortalPriceView;
  options: PortalPriceView[];
}

/** The deep links of a portal session made with `flow_data`. */
export interface PortalUpdateFlow {
  /**
   * The flow's page: the change to confirm (`priceId` picks it in a `subscription_update` flow),
   * the prices to choose from, or why neither; null when the session has no flow left to do.
   */
  updatePage(
    portalSessionId: string,
    priceId?: string,
  ): PortalUpdateView | PortalChoiceView | { message: string } | null;
  /** Applies the change once, then says where the customer goes (`after_completion`). */
  confirmUpdate(
    portalSessionId: string,
    priceId?: string,
  ): { redirectUrl: string } | { message: string };
}

export interface PortalFlow {
  view(portalSessionId: string): PortalPageView | null;
  updates?: PortalUpdateFlow;
  /**
   * Both return the refreshed view, or an error message a customer can read. Cancelling follows
   * the configuration: at period end, or at once when its mode is `immediately`.
   */
  cancelAtPeriodEnd(
    portalSessionId: string,
    subscriptionId: string,
  ): PortalPageView | { message: string };
  resume(portalSessionId: string, subscriptionId: string): PortalPageView | { message: string };
}
