// The billing portal behind "Manage subscription": invoices, card updates, cancel at period end
// and switching between the catalog's subscription prices.
import type Stripe from 'stripe';
import type { Catalog } from '../../shared/index.ts';
import { count, sameMembers, type CatalogIds, type Planning } from './plan.ts';

type Configuration = Stripe.BillingPortal.Configuration;
type Features = Stripe.BillingPortal.ConfigurationCreateParams.Features;

/** The server's variable naming the configuration to open the portal with. */
export const PORTAL_SETTING = 'STRIPE_PORTAL_CONFIGURATION_ID';

/** Marks the configuration this script made, on an account without a default one. */
const OWN_METADATA = { tilldrop: 'portal' } as const;

const PRODUCTS = 'features.subscription_update.products';

// Stripe creates the default configuration only when the portal settings are saved in the
// Dashboard; `POST /v1/billing_portal/configurations` always makes one with `is_default: false`
// (its documented example), so an account that never saved them needs a configuration per session.
const NO_DEFAULT =
  'This account has no default portal configuration, and Stripe makes one only when the portal settings are saved in the Dashboard (Settings → Billing → Customer portal).';

interface SwitchableProduct {
  product: string;
  prices: string[];
}

// Access is paid until the period ends, so a cancellation takes effect then.
const CANCEL = { enabled: true, mode: 'at_period_end', proration_behavior: 'none' } as const;
// An upgrade is charged prorated at once; a downgrade (a lower amount, or a shorter interval)
// waits for the end of the period the buyer paid for. The server's preview follows the same rule.
const SCHEDULE_CONDITIONS = ['decreasing_item_amount', 'shortening_interval'] as const;
const SWITCH = {
  default_allowed_updates: ['price'],
  proration_behavior: 'always_invoice',
} as const;

/**
 * The subscription prices by product, or null while this run still has to create some of them.
 * An entry with no price at all (a problem the catalog step reports) is left out.
 */
function switchableProducts(catalog: Catalog, ids: CatalogIds): SwitchableProduct[] | null {
  const byProduct = new Map<string, string[]>();
  for (const entry of catalog) {
    if (!entry.active || entry.mode !== 'subscription') continue;
    if (ids.pending.has(entry.id)) return null;
    const price = ids.prices.get(entry.id);
    if (price) byProduct.set(price.product, [...(byProduct.get(price.product) ?? []), price.id]);
  }
  return [...byProduct].map(([product, prices]) => ({ product, prices }));
}

function featuresFor(products: SwitchableProduct[]): Features {
  return {
    invoice_history: { enabled: true },
    payment_method_update: { enabled: true },
    subscription_cancel: CANCEL,
    subscription_update: {
      ...SWITCH,
      default_allowed_updates: [...SWITCH.default_allowed_updates],
      enabled: products.length > 0,
      products,
      schedule_at_period_end: { conditions: SCHEDULE_CONDITIONS.map((type) => ({ type })) },
    },
  };
}

function matches(configuration: Configuration, products: SwitchableProduct[]): boolean {
  const { invoice_history, payment_method_update, subscription_cancel, subscription_update } =
    configuration.features;
  const current = subscription_update.products ?? [];
  return (
    configuration.active &&
    invoice_history.enabled &&
    payment_method_update.enabled &&
    subscription_cancel.enabled === CANCEL.enabled &&
    subscription_cancel.mode === CANCEL.mode &&
    subscription_cancel.proration_behavior === CANCEL.proration_behavior &&
    subscription_update.enabled === products.length > 0 &&
    sameMembers(subscription_update.default_allowed_updates, SWITCH.default_allowed_updates) &&
    subscription_update.proration_behavior === SWITCH.proration_behavior &&
    sameMembers(
      (subscription_update.schedule_at_period_end?.conditions ?? []).map((c) => c.type),
      SCHEDULE_CONDITIONS,
    ) &&
    current.length === products.length &&
    products.every((wanted) => {
      const found = current.find((p) => p.product === wanted.product);
      return found !== undefined && sameMembers(found.prices, wanted.prices);
    })
  );
}

function describe(products: SwitchableProduct[] | null): string {
  const prices = products?.reduce((sum, p) => sum + p.prices.length, 0);
  const switching =
    prices === undefined
      ? "switching between the catalog's subscription prices"
      : prices === 0
        ? 'no plan switching (the catalog sells no subscriptions)'
        : `switching between ${count(prices, 'subscription price')}`;
  return `invoice history, payment method update, cancel at period end, ${switching} (upgrades invoiced at once, downgrades at period end)`;
}

async function ownConfiguration(stripe: Stripe): Promise<Configuration | undefined> {
  for await (const configuration of stripe.billingPortal.configurations.list({
    limit: 100,
    expand: [`data.${PRODUCTS}`],
  })) {
    if (configuration.metadata?.tilldrop === OWN_METADATA.tilldrop) return configuration;
  }
  return undefined;
}

export async function planPortal({ stripe, plan, ids }: Planning, catalog: Catalog) {
  const [accountDefault] = (
    await stripe.billingPortal.configurations.list({
      is_default: true,
      limit: 1,
      expand: [`data.${PRODUCTS}`],
    })
  ).data;
  const existing = accountDefault ?? (await ownConfiguration(stripe));
  const known = switchableProducts(catalog, ids);
  // Ids of products and prices this run creates are known only once it has created them.
  const wanted = () => featuresFor(switchableProducts(catalog, ids) ?? []);
  const what = accountDefault ? 'the default portal configuration' : 'the portal configuration';

  if (!accountDefault) {
    plan.notes.push(
      `${NO_DEFAULT} The server opens the portal with ${PORTAL_SETTING} instead; once a default exists, a new run configures it and the variable can go.`,
    );
  }
  const remember = (configuration: Configuration) => {
    if (!configuration.is_default) plan.settings.set(PORTAL_SETTING, configuration.id);
  };

  if (existing && known && matches(existing, known)) {
    plan.unchanged.push(`${what} (${existing.id}): ${describe(known)}`);
    remember(existing);
    return;
  }
  if (existing) {
    plan.changes.push({
      summary: `update ${what} (${existing.id}): ${describe(known)}`,
      apply: async () => {
        remember(
          await stripe.billingPortal.configurations.update(existing.id, {
            active: true,
            features: wanted(),
          }),
        );
      },
    });
    return;
  }
  plan.changes.push({
    summary: `create a portal configuration: ${describe(known)}`,
    apply: async () => {
      const created = await stripe.billingPortal.configurations.create({
        name: 'Tilldrop',
        features: wanted(),
        metadata: OWN_METADATA,
      });
      remember(created);
      return [`created portal configuration ${created.id}`];
    },
  });
}
