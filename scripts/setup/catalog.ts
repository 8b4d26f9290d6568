// A product per plan and a price per catalog entry, found by the entry's lookup key.
import type Stripe from 'stripe';
import type { Catalog, CatalogEntry, PlanName } from '../../shared/index.ts';
import type { Planning } from './plan.ts';

/** Marks the product that sells a plan, so a later run finds it again. */
export const PLAN_METADATA_KEY = 'tilldrop_plan';

/** Names for products this script creates; a merchant may rename them in the Dashboard. */
const PLAN_PRODUCTS: Record<PlanName, { name: string; description: string }> = {
  weekly: { name: 'Weekly pass', description: 'Full access, renewed every week.' },
  'one-time': { name: 'Lifetime access', description: 'Pay once, keep access for good.' },
  BASIC: { name: 'Basic', description: 'The essentials for a small site.' },
  PRO: { name: 'Pro', description: 'Everything, for growing sites.' },
};

type Interval = 'week' | 'month' | 'year';

interface Terms {
  amount: number;
  currency: string;
  interval: Interval | null;
}

function intervalOf(entry: CatalogEntry): Interval | null {
  if (entry.mode === 'payment') return null;
  return ({ weekly: 'week', monthly: 'month', annual: 'year', once: null } as const)[entry.billing];
}

function termsOf(entry: CatalogEntry): Terms | null {
  if (entry.amount === undefined) return null;
  return { amount: entry.amount, currency: entry.currency ?? 'usd', interval: intervalOf(entry) };
}

function sameTerms(price: Stripe.Price, terms: Terms): boolean {
  return (
    price.unit_amount === terms.amount &&
    price.currency === terms.currency &&
    (price.recurring?.interval ?? null) === terms.interval &&
    (price.recurring?.interval_count ?? 1) === 1
  );
}

export function formatMoney(amount: number, currency: string): string {
  const format = new Intl.NumberFormat('en-US', { style: 'currency', currency });
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(amount / 10 ** digits);
}

function describeTerms(terms: Terms): string {
  const money = formatMoney(terms.amount, terms.currency);
  return terms.interval ? `${money} a ${terms.interval}` : `${money} once`;
}

function asInterval(value: string | undefined): Interval | null {
  return value === 'week' || value === 'month' || value === 'year' ? value : null;
}

function describePrice(price: Stripe.Price): string {
  return describeTerms({
    amount: price.unit_amount ?? 0,
    currency: price.currency,
    interval: asInterval(price.recurring?.interval),
  });
}

function idOf(value: string | { id: string }): string {
  return typeof value === 'string' ? value : value.id;
}

async function pricesByLookupKey(stripe: Stripe, keys: string[]) {
  const found = new Map<string, Stripe.Price>();
  // Stripe takes at most ten lookup keys per list call.
  for (let i = 0; i < keys.length; i += 10) {
    const page = await stripe.prices.list({ lookup_keys: keys.slice(i, i + 10), limit: 100 });
    for (const price of page.data) if (price.lookup_key) found.set(price.lookup_key, price);
  }
  return found;
}

async function planProducts(stripe: Stripe) {
  const byPlan = new Map<string, Stripe.Product>();
  const byId = new Map<string, Stripe.Product>();
  for await (const product of stripe.products.list({ limit: 100 })) {
    byId.set(product.id, product);
    const plan = product.metadata[PLAN_METADATA_KEY];
    // Lists come newest first; an active product wins over an archived one.
    if (plan && (!byPlan.has(plan) || (product.active && !byPlan.get(plan)!.active))) {
      byPlan.set(plan, product);
    }
  }
  return { byPlan, byId };
}

/** Reads what the account has and plans what the catalog still needs. */
export async function planCatalog(
  planning: Planning,
  catalog: Catalog,
  env: Record<string, string | undefined>,
): Promise<void> {
  const { stripe } = planning;
  const forSale = catalog.filter((entry) => entry.active);
  for (const entry of catalog.filter((e) => !e.active)) {
    planning.plan.unchanged.push(`price ${entry.lookupKey}: not for sale, left as it is`);
  }
  const prices = await pricesByLookupKey(
    stripe,
    forSale.map((e) => e.lookupKey),
  );
  const products = await planProducts(stripe);

  for (const planName of new Set(forSale.map((e) => e.plan))) {
    const entries = forSale.filter((e) => e.plan === planName);
    planProduct(planning, planName, productFor(planName, entries, prices, products));
  }
  for (const entry of forSale) {
    const price = prices.get(entry.lookupKey);
    planPrice(planning, entry, price);
    const pinned = env[entry.priceEnv];
    if (pinned && pinned !== price?.id) {
      planning.plan.notes.push(
        `${entry.priceEnv}=${pinned} makes the server sell that price instead of ${entry.lookupKey}'s: unset it to sell the price this script manages.`,
      );
    }
  }
}

/** The plan's marked product, else the product an existing price of the plan belongs to. */
function productFor(
  planName: PlanName,
  entries: CatalogEntry[],
  prices: Map<string, Stripe.Price>,
  products: Awaited<ReturnType<typeof planProducts>>,
): Stripe.Product | undefined {
  const marked = products.byPlan.get(planName);
  if (marked) return marked;
  for (const entry of entries) {
    const price = prices.get(entry.lookupKey);
    if (price) return products.byId.get(idOf(price.product));
  }
  return undefined;
}

function planProduct(
  { stripe, plan, ids }: Planning,
  planName: PlanName,
  product: Stripe.Product | undefined,
): void {
  const { name, description } = PLAN_PRODUCTS[planName];
  if (!product) {
    plan.changes.push({
      summary: `create product "${name}" for plan ${planName}`,
      apply: async () => {
        const created = await stripe.products.create({
          name,
          description,
          metadata: { [PLAN_METADATA_KEY]: planName },
        });
        ids.products.set(planName, created.id);
        return [`created product ${created.id} "${name}"`];
      },
    });
    return;
  }
  ids.products.set(planName, product.id);
  if (product.metadata[PLAN_METADATA_KEY] === planName && product.active) {
    plan.unchanged.push(`product "${product.name}" (${product.id}) sells plan ${planName}`);
    return;
  }
  const verb = product.active ? 'mark' : 'reactivate and mark';
  plan.changes.push({
    summary: `${verb} product "${product.name}" (${product.id}) as the one selling plan ${planName}`,
    apply: async () => {
      await stripe.products.update(product.id, {
        active: true,
        metadata: { [PLAN_METADATA_KEY]: planName },
      });
    },
  });
}

function planPrice(planning: Planning, entry: CatalogEntry, price: Stripe.Price | undefined): void {
  const { stripe, plan, ids } = planning;
  const terms = termsOf(entry);
  const key = entry.lookupKey;
  if (!price) {
    if (terms) planNewPrice(planning, entry, terms);
    else {
      plan.problems.push(
        `price ${key}: Stripe has no price with this lookup key and the catalog entry "${entry.id}" has no amount to create one at. Add "amount" (in cents) to the entry, or give a price the lookup key ${key} in the Dashboard.`,
      );
    }
    return;
  }
  ids.prices.set(entry.id, { id: price.id, product: idOf(price.product) });
  if (terms && !sameTerms(price, terms)) {
    planReplacement(planning, entry, price, terms);
  } else if (price.active) {
    plan.unchanged.push(`price ${key}: ${describePrice(price)} (${price.id})`);
  } else {
    plan.changes.push({
      summary: `reactivate price ${key}: ${describePrice(price)} (${price.id})`,
      apply: async () => void (await stripe.prices.update(price.id, { active: true })),
    });
  }
}

async function createPrice(
  { stripe, ids }: Planning,
  entry: CatalogEntry,
  terms: Terms,
  product: string,
  transferLookupKey: boolean,
): Promise<Stripe.Price> {
  const created = await stripe.prices.create({
    product,
    currency: terms.currency,
    unit_amount: terms.amount,
    ...(terms.interval ? { recurring: { interval: terms.interval } } : {}),
    lookup_key: entry.lookupKey,
    ...(transferLookupKey ? { transfer_lookup_key: true } : {}),
  });
  ids.prices.set(entry.id, { id: created.id, product });
  ids.pending.delete(entry.id);
  return created;
}

function planNewPrice(planning: Planning, entry: CatalogEntry, terms: Terms): void {
  planning.ids.pending.add(entry.id);
  planning.plan.changes.push({
    summary: `create price ${entry.lookupKey}: ${describeTerms(terms)}`,
    apply: async () => {
      // The plan's product exists by now: its change comes first.
      const product = planning.ids.products.get(entry.plan)!;
      const created = await createPrice(planning, entry, terms, product, false);
      return [`created price ${created.id} for ${entry.lookupKey}`];
    },
  });
}

/**
 * A price's amount, currency and interval are fixed at Stripe, so a new price takes over the
 * lookup key and the old one is archived: nothing new is sold at it, and subscriptions already
 * on it keep it until they change plan.
 */
function planReplacement(
  planning: Planning,
  entry: CatalogEntry,
  price: Stripe.Price,
  terms: Terms,
): void {
  const { stripe } = planning;
  planning.ids.pending.add(entry.id);
  planning.plan.changes.push({
    summary: `replace price ${entry.lookupKey}: ${describePrice(price)} (${price.id}) becomes ${describeTerms(terms)}; the old price is archived`,
    apply: async () => {
      const productId = idOf(price.product);
      const created = await createPrice(planning, entry, terms, productId, true);
      const product = await stripe.products.retrieve(productId);
      // Stripe refuses to archive the default price of a product.
      if (product.default_price && idOf(product.default_price) === price.id) {
        await stripe.products.update(productId, { default_price: created.id });
      }
      if (price.active) await stripe.prices.update(price.id, { active: false });
      return [`created price ${created.id} for ${entry.lookupKey} and archived ${price.id}`];
    },
  });
}
