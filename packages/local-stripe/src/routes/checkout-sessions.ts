import { z } from 'zod';
import type { Core } from '../core.ts';
import { createCheckoutSession } from '../domain/checkout-create.ts';
import { expireSession } from '../domain/checkout-expire.ts';
import { resolver } from '../domain/expansion.ts';
import { lineItemsList } from '../domain/line-items.ts';
import { invalidRequest, noSuch } from '../wire/errors.ts';
import { expandObject } from '../wire/expand.ts';
import { listOf, pageLimit } from '../wire/list.ts';
import {
  bool,
  expand,
  inRange,
  int,
  listParams,
  maxString,
  mergeMetadata,
  metadata,
  range,
  str,
} from '../wire/params.ts';
import { respond } from '../wire/respond.ts';
import { Retrieve, retrieve, retrieveRoute } from '../wire/retrieve.ts';
import { idParam, paramsOf, type ApiRouter } from '../wire/route.ts';
import {
  CHECKOUT_PAYMENT_METHOD_TYPES_REMOVED,
  isBefore,
  requestVersion,
} from '../wire/versions.ts';

const SessionCreate = z.strictObject({
  mode: z.enum(['payment', 'subscription', 'setup']),
  line_items: z
    .array(z.strictObject({ price: str.optional(), quantity: int.optional() }))
    .optional(),
  success_url: str.optional(),
  cancel_url: str.optional(),
  return_url: str.optional(),
  redirect_on_completion: z.enum(['always', 'if_required', 'never']).optional(),
  client_reference_id: maxString(200).optional(),
  metadata: metadata.optional(),
  customer: str.optional(),
  customer_email: str.optional(),
  customer_creation: z.enum(['always', 'if_required']).optional(),
  discounts: z
    .array(z.strictObject({ coupon: str.optional(), promotion_code: str.optional() }))
    .optional(),
  allow_promotion_codes: bool.optional(),
  payment_method_types: z.array(str).optional(),
  allowed_payment_method_types: z.array(str).optional(),
  expires_at: int.optional(),
  ui_mode: z.enum(['hosted_page', 'embedded_page', 'elements', 'form']).optional(),
  locale: str.optional(),
  billing_address_collection: z.enum(['auto', 'required']).optional(),
  submit_type: z.enum(['auto', 'book', 'donate', 'pay', 'subscribe']).optional(),
  subscription_data: z
    .strictObject({
      metadata: metadata.optional(),
      description: str.optional(),
      trial_period_days: int.optional(),
      trial_end: int.optional(),
      trial_settings: z
        .strictObject({
          end_behavior: z.strictObject({
            missing_payment_method: z.enum(['cancel', 'create_invoice', 'pause']),
          }),
        })
        .optional(),
    })
    .optional(),
  payment_method_collection: z.enum(['always', 'if_required']).optional(),
  payment_intent_data: z
    .strictObject({
      metadata: metadata.optional(),
      description: str.optional(),
      receipt_email: str.optional(),
    })
    .optional(),
  expand,
});

const SessionList = z.strictObject({
  ...listParams,
  created: range.optional(),
  customer: str.optional(),
  payment_intent: str.optional(),
  subscription: str.optional(),
  status: z.enum(['open', 'complete', 'expired']).optional(),
});

const LineItemList = z.strictObject(listParams);

export function checkoutSessionRoutes(core: Core, router: ApiRouter): void {
  const { store } = core;
  const expandWith = resolver(core);

  router.post('/v1/checkout/sessions', (ctx) => {
    const p = paramsOf(ctx, SessionCreate);
    if (p.mode === 'setup') {
      throw invalidRequest(
        'The local Stripe supports `payment` and `subscription` modes only.',
        'parameter_invalid_string',
        'mode',
      );
    }
    if (p.ui_mode === 'elements' || p.ui_mode === 'form') {
      throw invalidRequest(
        'The local Stripe hosts its own payment page and its embedded checkout only: use `ui_mode: hosted_page` or `ui_mode: embedded_page`.',
        'parameter_invalid_string',
        'ui_mode',
      );
    }
    const uiMode = p.ui_mode ?? 'hosted_page';
    const version = requestVersion(ctx);
    if (
      p.payment_method_types !== undefined &&
      !isBefore(version, CHECKOUT_PAYMENT_METHOD_TYPES_REMOVED)
    ) {
      // The code is the one Stripe documents for the same removal on Payment Intents in this
      // release (…/endive/2026-09-30/removes-the-payment-method-types-parameter-from-payment-
      // intents-and-setup-intents); the wording is ours.
      throw invalidRequest(
        `\`payment_method_types\` is no longer supported on Checkout Sessions in API version ${version}. Use \`allowed_payment_method_types\` to limit the payment methods offered.`,
        'payment_method_types_no_longer_supported',
        'payment_method_types',
      );
    }
    if (p.line_items === undefined) {
      throw invalidRequest(
        'Missing required param: line_items.',
        'parameter_missing',
        'line_items',
      );
    }
    const session = core.db.transaction(() =>
      createCheckoutSession(core, {
        ...p,
        mode: p.mode as 'payment' | 'subscription',
        ui_mode: uiMode,
        line_items: p.line_items!,
        metadata: mergeMetadata({}, p.metadata),
        subscription_metadata: mergeMetadata({}, p.subscription_data?.metadata),
        subscription_trial: {
          end: p.subscription_data?.trial_end,
          days: p.subscription_data?.trial_period_days,
          missingPaymentMethod:
            p.subscription_data?.trial_settings?.end_behavior.missing_payment_method,
        },
        payment_intent_metadata: mergeMetadata({}, p.payment_intent_data?.metadata),
      }),
    )();
    respond(ctx, expandObject(session, p.expand, expandWith));
  });

  router.get(
    '/v1/checkout/sessions/:id',
    retrieveRoute(store.checkoutSessions, 'checkout.session', expandWith, 'session'),
  );

  router.get('/v1/checkout/sessions/:id/line_items', (ctx) => {
    const p = paramsOf(ctx, LineItemList);
    const id = idParam(ctx);
    if (!store.checkoutSessions.get(id)) throw noSuch('checkout.session', id, 'session');
    const list = lineItemsList(core, id, {
      limit: pageLimit(p.limit),
      starting_after: p.starting_after,
      ending_before: p.ending_before,
    });
    respond(ctx, expandObject(list, p.expand, expandWith));
  });

  router.post('/v1/checkout/sessions/:id/expire', (ctx) => {
    const p = paramsOf(ctx, Retrieve);
    const session = retrieve(store.checkoutSessions, 'checkout.session', idParam(ctx), 'session');
    if (session.status !== 'open') {
      throw invalidRequest(
        `Only Checkout Sessions with a status in ["open"] can be expired. This Checkout Session has a status of "${session.status}".`,
        'checkout_session_not_expirable',
      );
    }
    const expired = core.db.transaction(() => expireSession(core, session))();
    respond(ctx, expandObject(expired, p.expand, expandWith));
  });

  router.get('/v1/checkout/sessions', (ctx) => {
    const p = paramsOf(ctx, SessionList);
    const where =
      p.customer !== undefined
        ? { column: 'customer', value: p.customer }
        : p.subscription !== undefined
          ? { column: 'subscription', value: p.subscription }
          : p.payment_intent !== undefined
            ? { column: 'payment_intent', value: p.payment_intent }
            : p.status !== undefined
              ? { column: 'status', value: p.status }
              : undefined;
    const list = listOf('/v1/checkout/sessions', store.checkoutSessions, p, {
      where,
      filter: (s) =>
        (p.status === undefined || s.status === p.status) &&
        (p.customer === undefined || s.customer === p.customer) &&
        (p.subscription === undefined || s.subscription === p.subscription) &&
        (p.payment_intent === undefined || s.payment_intent === p.payment_intent) &&
        inRange(s.created, p.created),
    });
    respond(ctx, expandObject(list, p.expand, expandWith));
  });
}
