// `/v1/billing_portal/configurations`: what the hosted portal lets a customer do.
import { z } from 'zod';
import type { Core } from '../core.ts';
import { emitEvent, previousAttributes } from '../domain/events.ts';
import {
  buildPortalConfiguration,
  defaultFeatures,
  otherExpansions,
  presentConfiguration,
  type PortalConfiguration,
  type PortalFeatures,
} from '../objects/portal-configuration.ts';
import { newId } from '../store/ids.ts';
import { invalidRequest, parameterMissing } from '../wire/errors.ts';
import { expandObject } from '../wire/expand.ts';
import { listOf } from '../wire/list.ts';
import { bool, expand, listParams, mergeMetadata, metadata, str } from '../wire/params.ts';
import { respond } from '../wire/respond.ts';
import { Retrieve, retrieve } from '../wire/retrieve.ts';
import { idParam, paramsOf, type ApiRouter } from '../wire/route.ts';

/** A param that `''` clears, as Stripe's `Emptyable` ones are. */
const emptyable = <T extends z.ZodType>(schema: T) => z.union([z.literal(''), schema]);
const prorations = z.enum(['always_invoice', 'create_prorations', 'none']);
const CANCELLATION_REASONS = [
  'customer_service',
  'low_quality',
  'missing_features',
  'other',
  'switched_service',
  'too_complex',
  'too_expensive',
  'unused',
] as const;

// `enabled` is optional here because updates may leave it out; `requireEnabled` asks for it
// where creating a configuration needs it.
const Features = z.strictObject({
  customer_update: z
    .strictObject({
      enabled: bool.optional(),
      allowed_updates: emptyable(
        z.array(z.enum(['address', 'email', 'name', 'phone', 'shipping', 'tax_id'])),
      ).optional(),
    })
    .optional(),
  invoice_history: z.strictObject({ enabled: bool }).optional(),
  payment_method_update: z
    .strictObject({ enabled: bool, payment_method_configuration: emptyable(str).optional() })
    .optional(),
  subscription_cancel: z
    .strictObject({
      enabled: bool.optional(),
      mode: z.enum(['at_period_end', 'immediately']).optional(),
      proration_behavior: prorations.optional(),
      cancellation_reason: z
        .strictObject({
          enabled: bool,
          options: emptyable(z.array(z.enum(CANCELLATION_REASONS))).optional(),
        })
        .optional(),
    })
    .optional(),
  subscription_pause: z.strictObject({ enabled: bool.optional() }).optional(),
  subscription_update: z
    .strictObject({
      enabled: bool.optional(),
      default_allowed_updates: emptyable(
        z.array(z.enum(['price', 'promotion_code', 'quantity'])),
      ).optional(),
      products: emptyable(
        z.array(z.strictObject({ product: str, prices: z.array(str) })),
      ).optional(),
      proration_behavior: prorations.optional(),
      billing_cycle_anchor: z.enum(['now', 'unchanged']).optional(),
      trial_update_behavior: z.enum(['continue_trial', 'end_trial']).optional(),
      schedule_at_period_end: z
        .strictObject({
          conditions: emptyable(
            z.array(
              z.strictObject({ type: z.enum(['decreasing_item_amount', 'shortening_interval']) }),
            ),
          ).optional(),
        })
        .optional(),
    })
    .optional(),
});
type FeatureParams = z.infer<typeof Features>;

const Fields = {
  business_profile: z
    .strictObject({
      headline: emptyable(str).optional(),
      privacy_policy_url: emptyable(str).optional(),
      terms_of_service_url: emptyable(str).optional(),
    })
    .optional(),
  default_return_url: emptyable(str).optional(),
  name: emptyable(str).optional(),
  metadata: metadata.optional(),
  expand,
};

const ConfigurationCreate = z.strictObject({ features: Features, ...Fields });
const ConfigurationUpdate = z.strictObject({
  features: Features.optional(),
  active: bool.optional(),
  ...Fields,
});
const ConfigurationList = z.strictObject({
  ...listParams,
  active: bool.optional(),
  is_default: bool.optional(),
});

/** "The list of up to 10 products that support subscription updates." */
const MAX_PRODUCTS = 10;

function orNull(value: string | undefined, current: string | null): string | null {
  return value === undefined ? current : value === '' ? null : value;
}

function orEmpty<T>(value: '' | T[] | undefined, current: T[]): T[] {
  return value === undefined ? current : value === '' ? [] : value;
}

type ProductParams = NonNullable<FeatureParams['subscription_update']>['products'];

/** Products as a configuration shows them; quantities stay fixed, as the portal here has no stepper. */
function portalProducts(products: ProductParams) {
  if (products === undefined || products === '') return products;
  return products.map((entry) => ({
    adjustable_quantity: { enabled: false, maximum: null, minimum: 1 },
    prices: entry.prices,
    product: entry.product,
  }));
}

function requireEnabled(features: FeatureParams): void {
  for (const name of ['customer_update', 'subscription_cancel', 'subscription_update'] as const) {
    if (features[name] && features[name].enabled === undefined) {
      throw parameterMissing(`features[${name}][enabled]`);
    }
  }
}

/** Each feature keeps what the request leaves out. */
function mergeFeatures(current: PortalFeatures, p: FeatureParams): PortalFeatures {
  const { customer_update: customer, subscription_cancel: cancel } = current;
  const update = current.subscription_update;
  return {
    customer_update: {
      enabled: p.customer_update?.enabled ?? customer.enabled,
      allowed_updates: orEmpty(p.customer_update?.allowed_updates, customer.allowed_updates),
    },
    invoice_history: p.invoice_history ?? current.invoice_history,
    payment_method_update: {
      enabled: p.payment_method_update?.enabled ?? current.payment_method_update.enabled,
      payment_method_configuration: orNull(
        p.payment_method_update?.payment_method_configuration,
        current.payment_method_update.payment_method_configuration,
      ),
    },
    subscription_cancel: {
      cancellation_reason: {
        ...cancel.cancellation_reason,
        enabled:
          p.subscription_cancel?.cancellation_reason?.enabled ?? cancel.cancellation_reason.enabled,
        options: orEmpty(
          p.subscription_cancel?.cancellation_reason?.options,
          cancel.cancellation_reason.options,
        ),
      },
      enabled: p.subscription_cancel?.enabled ?? cancel.enabled,
      mode: p.subscription_cancel?.mode ?? cancel.mode,
      proration_behavior: p.subscription_cancel?.proration_behavior ?? cancel.proration_behavior,
    },
    subscription_pause: {
      ...current.subscription_pause,
      enabled: p.subscription_pause?.enabled ?? current.subscription_pause.enabled,
    },
    subscription_update: {
      ...update,
      enabled: p.subscription_update?.enabled ?? update.enabled,
      default_allowed_updates: orEmpty(
        p.subscription_update?.default_allowed_updates,
        update.default_allowed_updates,
      ),
      products: orEmpty(portalProducts(p.subscription_update?.products), update.products ?? []),
      proration_behavior: p.subscription_update?.proration_behavior ?? update.proration_behavior,
      billing_cycle_anchor:
        p.subscription_update?.billing_cycle_anchor ?? update.billing_cycle_anchor,
      trial_update_behavior:
        p.subscription_update?.trial_update_behavior ?? update.trial_update_behavior,
      schedule_at_period_end: {
        conditions: orEmpty(
          p.subscription_update?.schedule_at_period_end?.conditions,
          update.schedule_at_period_end.conditions,
        ),
      },
    },
  };
}

export function portalConfigurationRoutes(core: Core, router: ApiRouter): void {
  const { store, clock } = core;

  function checkFeatures(features: PortalFeatures): void {
    const cancel = features.subscription_cancel;
    // The SDK's note on this param: `create_prorations` "is only compatible with
    // mode=immediately. Passing always_invoice will result in an error."
    if (
      cancel.proration_behavior === 'always_invoice' ||
      (cancel.proration_behavior === 'create_prorations' && cancel.mode !== 'immediately')
    ) {
      throw invalidRequest(
        `features[subscription_cancel][proration_behavior] cannot be ${cancel.proration_behavior} with mode ${cancel.mode}.`,
        'parameter_invalid_string',
        'features[subscription_cancel][proration_behavior]',
      );
    }
    const products = features.subscription_update.products ?? [];
    if (products.length > MAX_PRODUCTS) {
      throw invalidRequest(
        `You can pass at most ${MAX_PRODUCTS} products.`,
        'parameter_invalid_array',
        'features[subscription_update][products]',
      );
    }
    products.forEach((entry, i) => {
      const param = `features[subscription_update][products][${i}]`;
      if (!store.products.get(entry.product)) {
        throw invalidRequest(
          `No such product: '${entry.product}'`,
          'resource_missing',
          `${param}[product]`,
        );
      }
      for (const priceId of entry.prices) {
        const price = store.prices.get(priceId);
        if (!price) {
          throw invalidRequest(
            `No such price: '${priceId}'`,
            'resource_missing',
            `${param}[prices]`,
          );
        }
        if (price.product !== entry.product || price.type !== 'recurring') {
          throw invalidRequest(
            `The price ${priceId} is not a recurring price of the product ${entry.product}.`,
            'parameter_invalid_string',
            `${param}[prices]`,
          );
        }
      }
    });
  }

  function checkUrl(url: string | null, param: string): void {
    if (url !== null && !/^https?:\/\/[^\s]+$/.test(url)) {
      throw invalidRequest(`Invalid URL: ${url}`, 'url_invalid', param);
    }
  }

  /** The configuration with the request's changes, refused whole if any of them is invalid. */
  function changed(
    configuration: PortalConfiguration,
    p: z.infer<typeof ConfigurationUpdate>,
  ): PortalConfiguration {
    const profile = configuration.business_profile;
    const next: PortalConfiguration = {
      ...configuration,
      active: p.active ?? configuration.active,
      business_profile: {
        headline: orNull(p.business_profile?.headline, profile.headline),
        privacy_policy_url: orNull(
          p.business_profile?.privacy_policy_url,
          profile.privacy_policy_url,
        ),
        terms_of_service_url: orNull(
          p.business_profile?.terms_of_service_url,
          profile.terms_of_service_url,
        ),
      },
      default_return_url: orNull(p.default_return_url, configuration.default_return_url),
      features: p.features
        ? mergeFeatures(configuration.features, p.features)
        : configuration.features,
      name: orNull(p.name, configuration.name),
      metadata: mergeMetadata(configuration.metadata ?? {}, p.metadata),
    };
    checkUrl(next.default_return_url, 'default_return_url');
    checkUrl(next.business_profile.privacy_policy_url, 'business_profile[privacy_policy_url]');
    checkUrl(next.business_profile.terms_of_service_url, 'business_profile[terms_of_service_url]');
    checkFeatures(next.features);
    return next;
  }

  function show(configuration: PortalConfiguration, paths: string[] | undefined) {
    // Nothing else in a configuration expands.
    return expandObject(
      presentConfiguration(configuration, paths),
      otherExpansions(paths),
      () => undefined,
    );
  }

  router.post('/v1/billing_portal/configurations', (ctx) => {
    const p = paramsOf(ctx, ConfigurationCreate);
    requireEnabled(p.features);
    const configuration = changed(
      buildPortalConfiguration({
        id: newId('bpc'),
        // Only saving the portal settings in the Dashboard makes a default; the API never does.
        isDefault: false,
        features: defaultFeatures(),
        created: clock.now(),
      }),
      p,
    );
    core.db.transaction(() => {
      store.portalConfigurations.insert(configuration);
      emitEvent(
        core,
        'billing_portal.configuration.created',
        presentConfiguration(configuration, []),
      );
    })();
    respond(ctx, show(configuration, p.expand));
  });

  router.get('/v1/billing_portal/configurations/:id', (ctx) => {
    const p = paramsOf(ctx, Retrieve);
    const configuration = retrieve(store.portalConfigurations, 'configuration', idParam(ctx));
    respond(ctx, show(configuration, p.expand));
  });

  router.post('/v1/billing_portal/configurations/:id', (ctx) => {
    const p = paramsOf(ctx, ConfigurationUpdate);
    const before = retrieve(store.portalConfigurations, 'configuration', idParam(ctx));
    let after = changed(before, p);
    if (JSON.stringify(after) !== JSON.stringify(before)) {
      after = { ...after, updated: clock.now() };
      core.db.transaction(() => {
        store.portalConfigurations.update(after);
        const shown = presentConfiguration(after, []);
        const previous = previousAttributes(presentConfiguration(before, []), shown);
        emitEvent(core, 'billing_portal.configuration.updated', shown, previous);
      })();
    }
    respond(ctx, show(after, p.expand));
  });

  router.get('/v1/billing_portal/configurations', (ctx) => {
    const p = paramsOf(ctx, ConfigurationList);
    const list = listOf('/v1/billing_portal/configurations', store.portalConfigurations, p, {
      filter: (c) =>
        (p.active === undefined || c.active === p.active) &&
        (p.is_default === undefined || c.is_default === p.is_default),
    });
    const data = list.data.map((c) => presentConfiguration(c, p.expand, 'data.'));
    respond(ctx, { ...list, data });
  });
}
