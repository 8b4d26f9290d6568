import type Stripe from 'stripe';
import type { Core } from './core.ts';
import { buildCoupon, buildPromotionCode } from './objects/coupon.ts';
import { buildPrice, buildProduct, type Interval } from './objects/catalog.ts';
import { buildPortalConfiguration, defaultFeatures } from './objects/portal-configuration.ts';
import { newId } from './store/ids.ts';

interface SeedPrice {
  lookupKey: string;
  unitAmount: number;
  interval: Interval | null;
}

interface SeedProduct {
  name: string;
  description: string;
  prices: SeedPrice[];
}

/** The default plan catalog; each price's lookup key is the catalog id the API server asks for. */
const CATALOG: SeedProduct[] = [
  {
    name: 'Weekly pass',
    description: 'Full access, renewed every week.',
    prices: [{ lookupKey: 'weekly', unitAmount: 499, interval: 'week' }],
  },
  {
    name: 'Lifetime access',
    description: 'Pay once, keep access for good.',
    prices: [{ lookupKey: 'one-time', unitAmount: 14900, interval: null }],
  },
  {
    name: 'Basic',
    description: 'The essentials for a small site.',
    prices: [
      { lookupKey: 'plan_basic', unitAmount: 900, interval: 'month' },
      { lookupKey: 'plan_basic_annual', unitAmount: 9000, interval: 'year' },
    ],
  },
  {
    name: 'Pro',
    description: 'Everything, for growing sites.',
    prices: [
      { lookupKey: 'plan_professional', unitAmount: 1900, interval: 'month' },
      { lookupKey: 'plan_professional_annual', unitAmount: 19000, interval: 'year' },
    ],
  },
];

interface SeedPromotion {
  code: string;
  percentOff: number;
  metadata?: Record<string, string>;
  expired?: boolean;
  firstTimeTransaction?: boolean;
}

const PROMOTIONS: SeedPromotion[] = [
  { code: 'LAUNCH20', percentOff: 20 },
  // Stripe cannot restrict a code to some prices; the API server reads this metadata and enforces it.
  { code: 'ANNUAL50', percentOff: 50, metadata: { billing: 'annual' } },
  { code: 'EXPIRED10', percentOff: 10, expired: true },
  { code: 'WELCOME', percentOff: 15, firstTimeTransaction: true },
  // The code in the subscription API's documented example, so that example works as written.
  { code: 'PROMO2024', percentOff: 10 },
];

export interface SeedOptions {
  /**
   * Saves a default billing portal configuration, as a merchant does once in the Dashboard; on
   * unless false. Without one, portal sessions need an explicit `configuration`.
   */
  portalConfiguration?: boolean;
}

/**
 * Creates the catalog, promotion codes and portal settings unless they exist (a file database
 * keeps them between runs), and says what it created.
 */
export function seed(core: Core, options: SeedOptions = {}): void {
  const { store, clock, log } = core;
  const now = clock.now();
  core.db.transaction(() => {
    for (const entry of CATALOG) {
      if (entry.prices.every((p) => store.prices.findBy('lookup_key', p.lookupKey).length > 0))
        continue;
      const product = store.products.insert(
        buildProduct({
          id: newId('prod', 14),
          name: entry.name,
          description: entry.description,
          created: now,
        }),
      );
      let defaultPrice: string | null = null;
      for (const seedPrice of entry.prices) {
        if (store.prices.findBy('lookup_key', seedPrice.lookupKey).length > 0) continue;
        const price: Stripe.Price = store.prices.insert(
          buildPrice({
            id: newId('price'),
            product: product.id,
            currency: 'usd',
            unitAmount: seedPrice.unitAmount,
            recurring: seedPrice.interval
              ? { interval: seedPrice.interval, intervalCount: 1 }
              : null,
            lookupKey: seedPrice.lookupKey,
            created: now,
          }),
        );
        defaultPrice ??= price.id;
        const cadence = seedPrice.interval ? `/${seedPrice.interval}` : ' once';
        log(
          `seeded price ${seedPrice.lookupKey}: ${entry.name}, $${(seedPrice.unitAmount / 100).toFixed(2)}${cadence} (${price.id})`,
        );
      }
      store.products.update({ ...product, default_price: defaultPrice });
    }
    // After the catalog: plan switching names its prices.
    if (options.portalConfiguration !== false) seedPortalConfiguration(core, now);
    for (const promotion of PROMOTIONS) {
      if (store.promotionCodes.findBy('code', promotion.code).length > 0) continue;
      const coupon = store.coupons.insert(
        buildCoupon({
          id: newId('', 8).slice(1).toUpperCase(),
          name: `${promotion.percentOff}% off`,
          percentOff: promotion.percentOff,
          amountOff: null,
          currency: null,
          duration: 'once',
          durationInMonths: null,
          maxRedemptions: null,
          redeemBy: null,
          appliesToProducts: null,
          created: now,
        }),
      );
      const promo = store.promotionCodes.insert(
        buildPromotionCode({
          id: newId('promo'),
          code: promotion.code,
          coupon: coupon.id,
          active: !promotion.expired,
          customer: null,
          expiresAt: promotion.expired ? now - 24 * 60 * 60 : null,
          maxRedemptions: null,
          firstTimeTransaction: promotion.firstTimeTransaction ?? false,
          minimumAmount: null,
          minimumAmountCurrency: null,
          metadata: promotion.metadata ?? {},
          created: now,
        }),
      );
      const notes = [
        promotion.metadata ? `metadata ${JSON.stringify(promotion.metadata)}` : null,
        promotion.expired ? 'expired' : null,
        promotion.firstTimeTransaction ? 'first-time customers only' : null,
      ].filter(Boolean);
      log(
        `seeded promotion code ${promotion.code}: ${promotion.percentOff}% off once${notes.length ? `, ${notes.join(', ')}` : ''} (${promo.id})`,
      );
    }
  })();
}

/**
 * Portal settings saved once in the Dashboard: invoices, card updates, cancel at period end, and
 * switching between the recurring prices, as `npm run stripe:setup` configures them: an upgrade
 * is invoiced prorated at once, a downgrade (a lower amount or a shorter interval) waits for the
 * end of the period.
 */
function seedPortalConfiguration(core: Core, now: number): void {
  const { store, log } = core;
  if (store.portalConfigurations.findBy('is_default', 1).length > 0) return;
  const features = defaultFeatures();
  features.invoice_history.enabled = true;
  features.payment_method_update.enabled = true;
  features.subscription_cancel.enabled = true;
  const products = store.products
    .all()
    .map((product) => ({
      adjustable_quantity: { enabled: false, maximum: null, minimum: 1 },
      product: product.id,
      prices: store.prices
        .findBy('product', product.id)
        .filter((price) => price.type === 'recurring' && price.active)
        .map((price) => price.id),
    }))
    .filter((entry) => entry.prices.length > 0);
  features.subscription_update = {
    ...features.subscription_update,
    enabled: products.length > 0,
    default_allowed_updates: ['price'],
    products,
    proration_behavior: 'always_invoice',
    schedule_at_period_end: {
      conditions: [{ type: 'decreasing_item_amount' }, { type: 'shortening_interval' }],
    },
  };
  const configuration = store.portalConfigurations.insert(
    buildPortalConfiguration({ id: newId('bpc'), isDefault: true, features, created: now }),
  );
  log(`seeded the default billing portal configuration (${configuration.id})`);
}
