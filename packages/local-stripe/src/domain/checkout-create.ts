import type Stripe from 'stripe';
import type { Core } from '../core.ts';
import { buildCheckoutSession, buildLineItem } from '../objects/checkout-session.ts';
import { newCheckoutSessionId, newId } from '../store/ids.ts';
import type { SessionState } from '../store/store.ts';
import { invalidRequest } from '../wire/errors.ts';
import { couponAppliesTo } from './discounts.ts';
import { couponOf, couponProblem, promotionCodeProblem } from './promotions.ts';
import { priceSession } from './session-pricing.ts';
import { trialEndOf } from './subscription-create.ts';

export interface CreateSessionParams {
  mode: 'payment' | 'subscription';
  ui_mode: 'hosted_page' | 'embedded_page';
  line_items: { price?: string | undefined; quantity?: number | undefined }[];
  success_url?: string | undefined;
  cancel_url?: string | undefined;
  return_url?: string | undefined;
  redirect_on_completion?: 'always' | 'if_required' | 'never' | undefined;
  client_reference_id?: string | undefined;
  metadata: Record<string, string>;
  customer?: string | undefined;
  customer_email?: string | undefined;
  customer_creation?: 'always' | 'if_required' | undefined;
  discounts?: { coupon?: string | undefined; promotion_code?: string | undefined }[] | undefined;
  allow_promotion_codes?: boolean | undefined;
  payment_method_types?: string[] | undefined;
  allowed_payment_method_types?: string[] | undefined;
  expires_at?: number | undefined;
  locale?: string | undefined;
  billing_address_collection?: 'auto' | 'required' | undefined;
  submit_type?: 'auto' | 'book' | 'donate' | 'pay' | 'subscribe' | undefined;
  subscription_metadata: Record<string, string>;
  payment_intent_metadata: Record<string, string>;
  payment_method_collection?: 'always' | 'if_required' | undefined;
  subscription_trial?: {
    end?: number | undefined;
    days?: number | undefined;
    missingPaymentMethod?: 'cancel' | 'create_invoice' | 'pause' | undefined;
  };
}

/** Checkout wants a trial's end "at least 48 hours in the future" (SubscriptionData.trial_end). */
const MIN_TRIAL_LEAD = 48 * 60 * 60;

const MIN_EXPIRY = 30 * 60;
const MAX_EXPIRY = 24 * 60 * 60;

export function createCheckoutSession(core: Core, p: CreateSessionParams): Stripe.Checkout.Session {
  const { store, clock } = core;
  const now = clock.now();
  refuseParamsOfOtherUiModes(p);
  if (p.allow_promotion_codes !== undefined && p.discounts !== undefined) {
    throw invalidRequest(
      'You may only specify one of these parameters: allow_promotion_codes, discounts.',
    );
  }
  if (p.customer_creation !== undefined && p.mode !== 'payment') {
    // Stripe's answer, without a param (QuantumNous/new-api#4706 quotes the whole response).
    throw invalidRequest('`customer_creation` can only be used in `payment` mode.');
  }
  if (p.payment_method_collection !== undefined && p.mode !== 'subscription') {
    throw invalidRequest('`payment_method_collection` can only be used in `subscription` mode.');
  }
  const trialEnd = trialEndOf(now, p.subscription_trial ?? {}, {
    end: 'subscription_data[trial_end]',
    days: 'subscription_data[trial_period_days]',
    minimumLead: MIN_TRIAL_LEAD,
  });
  if (p.customer !== undefined && p.customer_email !== undefined) {
    throw invalidRequest('You may only specify one of these parameters: customer, customer_email.');
  }
  if (p.expires_at !== undefined) {
    if (p.expires_at < now + MIN_EXPIRY) {
      throw invalidRequest(
        'The `expires_at` timestamp must be at least 30 minutes from Checkout Session creation.',
        'parameter_invalid_integer',
        'expires_at',
      );
    }
    if (p.expires_at > now + MAX_EXPIRY) {
      throw invalidRequest(
        'The `expires_at` timestamp must be less than 24 hours from Checkout Session creation.',
        'parameter_invalid_integer',
        'expires_at',
      );
    }
  }
  const customer = p.customer !== undefined ? store.customers.get(p.customer) : undefined;
  if (p.customer !== undefined && !customer) {
    throw invalidRequest(`No such customer: '${p.customer}'`, 'resource_missing', 'customer');
  }
  if (p.line_items.length === 0) {
    throw invalidRequest('Missing required param: line_items.', 'parameter_missing', 'line_items');
  }

  const lineItems = p.line_items.map((item, index) => lineItemFor(core, item, index));
  const recurring = lineItems.filter((line) => line.price?.type === 'recurring');
  if (p.mode === 'subscription' && recurring.length === 0) {
    throw invalidRequest(
      'You must provide at least one recurring price in `subscription` mode when using prices.',
      undefined,
      'line_items',
    );
  }
  if (p.mode === 'payment' && recurring.length > 0) {
    throw invalidRequest(
      'You specified `payment` mode but passed a recurring price. Either switch to `subscription` mode or use only one-time prices.',
      undefined,
      'line_items',
    );
  }
  const currency = lineItems[0]!.currency;
  if (lineItems.some((line) => line.currency !== currency)) {
    throw invalidRequest(
      'All prices must use the same currency.',
      'parameter_invalid_string',
      'line_items',
    );
  }

  const id = newCheckoutSessionId();
  const embedded = p.ui_mode === 'embedded_page';
  let state: SessionState = {
    lineItems,
    promotionCodeText: null,
    couponId: null,
    promotionCodeId: null,
    subscriptionMetadata: p.subscription_metadata,
    paymentIntentMetadata: p.payment_intent_metadata,
    ...(trialEnd !== null && {
      trial: {
        end: p.subscription_trial?.end ?? null,
        days: p.subscription_trial?.days ?? null,
        missingPaymentMethod: p.subscription_trial?.missingPaymentMethod ?? 'create_invoice',
      },
    }),
  };
  if (p.discounts && p.discounts.length > 0) {
    state = applyDiscountParam(core, state, p.discounts, {
      customerId: customer?.id ?? null,
      email: customer?.email ?? p.customer_email ?? null,
    });
  }

  const built = buildCheckoutSession({
    id,
    mode: p.mode,
    uiMode: p.ui_mode,
    // Embedded sessions have no page of their own: Stripe.js opens them with the client secret.
    url: embedded ? null : `${core.publicUrl}/c/pay/${id}`,
    clientSecret: embedded ? newId(`${id}_secret`, 32) : null,
    embedding: embedded
      ? {
          returnUrl: p.return_url ?? null,
          redirectOnCompletion: p.redirect_on_completion ?? 'always',
        }
      : null,
    created: now,
    expiresAt: p.expires_at ?? now + MAX_EXPIRY,
    currency,
    successUrl: p.success_url ?? null,
    cancelUrl: p.cancel_url ?? null,
    clientReferenceId: p.client_reference_id ?? null,
    metadata: p.metadata,
    customer: customer?.id ?? null,
    customerEmail: p.customer_email ?? null,
    customerCreation: p.mode === 'payment' ? (p.customer_creation ?? 'always') : null,
    allowPromotionCodes: p.allow_promotion_codes ?? null,
    paymentMethodTypes: p.allowed_payment_method_types ?? p.payment_method_types ?? ['card'],
    locale: (p.locale as Stripe.Checkout.Session.Locale | undefined) ?? null,
    billingAddressCollection: p.billing_address_collection ?? null,
    submitType: p.submit_type ?? null,
  });
  const priced = priceSession(
    core,
    p.mode === 'subscription'
      ? { ...built, payment_method_collection: p.payment_method_collection ?? 'always' }
      : built,
    state,
  );
  return store.checkoutSessions.insert(priced.session, priced.state);
}

/**
 * Each ui_mode takes its own return parameters, as the SDK's types document them: `success_url`
 * and `cancel_url` only for hosted_page; `return_url` and `redirect_on_completion` only for
 * embedded_page, where `return_url` is required unless nothing redirects (`never`) and refused
 * then. Stripe's wording for the mismatch is quoted in laravel/cashier-stripe#1815 ("The
 * following parameters are not supported with 'ui_mode: custom': cancel_url, success_url.");
 * the other messages are Stripe's usual ones for a missing or invalid parameter.
 */
function refuseParamsOfOtherUiModes(p: CreateSessionParams): void {
  const foreign =
    p.ui_mode === 'embedded_page'
      ? { cancel_url: p.cancel_url, success_url: p.success_url }
      : { redirect_on_completion: p.redirect_on_completion, return_url: p.return_url };
  const sent = Object.entries(foreign)
    .filter(([, value]) => value !== undefined)
    .map(([name]) => name);
  if (sent.length > 0) {
    throw invalidRequest(
      `The following parameters are not supported with 'ui_mode: ${p.ui_mode}': ${sent.join(', ')}.`,
      undefined,
      sent[0],
    );
  }
  if (p.ui_mode !== 'embedded_page') return;
  if (p.redirect_on_completion === 'never') {
    if (p.return_url !== undefined) {
      // Stripe refuses it (laravel/cashier-stripe#1629 drops it for `never`); the wording is ours.
      throw invalidRequest(
        '`return_url` cannot be used when `redirect_on_completion` is `never`: nothing redirects.',
        undefined,
        'return_url',
      );
    }
    return;
  }
  if (p.return_url === undefined) {
    throw invalidRequest('Missing required param: return_url.', 'parameter_missing', 'return_url');
  }
  if (!isHttpUrl(p.return_url)) {
    throw invalidRequest('Not a valid URL', 'url_invalid', 'return_url');
  }
}

function isHttpUrl(text: string): boolean {
  try {
    const { protocol } = new URL(text);
    return protocol === 'https:' || protocol === 'http:';
  } catch {
    return false;
  }
}

function lineItemFor(
  core: Core,
  item: { price?: string | undefined; quantity?: number | undefined },
  index: number,
): Stripe.LineItem {
  const param = `line_items[${index}][price]`;
  if (item.price === undefined) {
    throw invalidRequest(
      `You must specify either \`price\` or \`price_data\` in \`line_items[${index}]\`.`,
      'parameter_missing',
      param,
    );
  }
  const price = core.store.prices.get(item.price);
  if (!price) throw invalidRequest(`No such price: '${item.price}'`, 'resource_missing', param);
  if (!price.active) {
    throw invalidRequest(
      'The price specified is inactive. This field only accepts active prices.',
      undefined,
      param,
    );
  }
  if (item.quantity === undefined) {
    throw invalidRequest(
      `Quantity is required. Add \`quantity\` to \`line_items[${index}]\``,
      'parameter_missing',
      `line_items[${index}][quantity]`,
    );
  }
  if (item.quantity < 1) {
    throw invalidRequest(
      'This value must be greater than or equal to 1.',
      'parameter_invalid_integer',
      `line_items[${index}][quantity]`,
    );
  }
  const productId = typeof price.product === 'string' ? price.product : price.product.id;
  const product = core.store.products.get(productId);
  return buildLineItem(newId('li'), price, item.quantity, product?.name ?? null);
}

function applyDiscountParam(
  core: Core,
  state: SessionState,
  discounts: { coupon?: string | undefined; promotion_code?: string | undefined }[],
  buyer: { customerId: string | null; email: string | null },
): SessionState {
  if (discounts.length > 1) {
    throw invalidRequest(
      'You may only specify one discount.',
      'parameter_invalid_string',
      'discounts',
    );
  }
  const discount = discounts[0]!;
  const subtotal = state.lineItems.reduce((sum, line) => sum + line.amount_subtotal, 0);
  const currency = state.lineItems[0]!.currency;
  if (discount.promotion_code !== undefined) {
    const param = 'discounts[0][promotion_code]';
    const promo = core.store.promotionCodes.get(discount.promotion_code);
    if (!promo) {
      throw invalidRequest(
        `No such promotion code: '${discount.promotion_code}'`,
        'resource_missing',
        param,
      );
    }
    const problem = promotionCodeProblem(core, promo, { ...buyer, subtotal, currency });
    if (problem) throw invalidRequest(problem, 'promotion_code_invalid', param);
    const coupon = couponOf(core, promo)!;
    if (!couponAppliesTo(state.lineItems, coupon)) {
      throw invalidRequest(
        'This promotion code is not valid for the items in this session.',
        'promotion_code_invalid',
        param,
      );
    }
    return {
      ...state,
      couponId: coupon.id,
      promotionCodeId: promo.id,
      promotionCodeText: promo.code,
    };
  }
  if (discount.coupon !== undefined) {
    const param = 'discounts[0][coupon]';
    const coupon = core.store.coupons.get(discount.coupon);
    if (!coupon) {
      throw invalidRequest(`No such coupon: '${discount.coupon}'`, 'resource_missing', param);
    }
    // `coupon_expired` is the error code Stripe lists for a coupon that can no longer be applied.
    const problem = couponProblem(core, coupon);
    if (problem) throw invalidRequest(problem, 'coupon_expired', param);
    return { ...state, couponId: coupon.id };
  }
  return state;
}
