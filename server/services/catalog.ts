import { readFileSync } from 'node:fs';
import type Stripe from 'stripe';
import {
  Catalog,
  type CatalogEntry,
  type PlanPrice,
  type PlansResponse,
} from '../../shared/index.ts';

export const defaultCatalog: Catalog = Catalog.parse([
  {
    id: 'weekly',
    plan: 'weekly',
    billing: 'weekly',
    mode: 'subscription',
    priceEnv: 'STRIPE_WEEKLY_PRICE_ID',
    lookupKey: 'weekly',
    amount: 499,
  },
  {
    id: 'one-time',
    plan: 'one-time',
    billing: 'once',
    mode: 'payment',
    priceEnv: 'STRIPE_ONE_TIME_PRICE_ID',
    lookupKey: 'one-time',
    amount: 14900,
  },
  {
    id: 'plan_basic',
    plan: 'BASIC',
    billing: 'monthly',
    mode: 'subscription',
    priceEnv: 'STRIPE_BASIC_MONTHLY_PRICE_ID',
    lookupKey: 'plan_basic',
    amount: 900,
  },
  {
    id: 'plan_basic_annual',
    plan: 'BASIC',
    billing: 'annual',
    mode: 'subscription',
    priceEnv: 'STRIPE_BASIC_ANNUAL_PRICE_ID',
    lookupKey: 'plan_basic_annual',
    amount: 9000,
  },
  {
    id: 'plan_professional',
    plan: 'PRO',
    billing: 'monthly',
    mode: 'subscription',
    priceEnv: 'STRIPE_PRO_MONTHLY_PRICE_ID',
    lookupKey: 'plan_professional',
    amount: 1900,
  },
  {
    id: 'plan_professional_annual',
    plan: 'PRO',
    billing: 'annual',
    mode: 'subscription',
    priceEnv: 'STRIPE_PRO_ANNUAL_PRICE_ID',
    lookupKey: 'plan_professional_annual',
    amount: 19000,
  },
]);

/** The catalog in PLANS_FILE, or the built-in one; parseEnv names what is wrong with the file. */
export function loadCatalog(plansFile: string | undefined): Catalog {
  if (!plansFile) return defaultCatalog;
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(plansFile, 'utf8'));
  } catch (error) {
    throw new Error(
      `PLANS_FILE ${plansFile} could not be read as JSON: ${(error as Error).message}`,
    );
  }
  const result = Catalog.safeParse(json);
  if (!result.success) {
    const lines = result.error.issues.map(
      (issue) => `  [${issue.path.join('.')}] ${issue.message}`,
    );
    throw new Error(`PLANS_FILE ${plansFile} is not a valid plan catalog:\n${lines.join('\n')}`);
  }
  return result.data;
}

export interface PriceInfo {
  priceId: string;
  productId: string;
  productName: string;
  amount: number;
  currency: string;
  interval: 'week' | 'month' | 'year' | null;
  active: boolean;
}

interface PriceCache {
  at: number;
  prices: Promise<Map<string, PriceInfo>>;
  plansBody: Promise<Buffer>;
  /** The same plans without their trials, for a buyer who had one. */
  paidPlansBody: Promise<Buffer>;
  /** `plansBody` once it has arrived. */
  loadedPlansBody?: Buffer;
}

/**
 * The Stripe prices behind the catalog, read once and kept for a few minutes: prices change
 * rarely, and every checkout and every widget load needs them.
 */
export class PriceBook {
  #cached?: PriceCache;

  constructor(
    private readonly stripe: Stripe,
    readonly catalog: Catalog,
    /** The Stripe price id in each catalog price variable that is set, by variable name. */
    private readonly priceIds: Readonly<Record<string, string | undefined>>,
    private readonly ttlMs = 5 * 60_000,
  ) {}

  entry(id: string): CatalogEntry | undefined {
    return this.catalog.find((entry) => entry.id === id);
  }

  /** The price of an active entry whose Stripe price is active too; undefined when unavailable. */
  async price(entry: CatalogEntry): Promise<PriceInfo | undefined> {
    if (!entry.active) return undefined;
    const price = (await this.all()).get(entry.id);
    return price?.active ? price : undefined;
  }

  /** The catalog entry a Stripe price belongs to, e.g. after a plan switch in the billing portal. */
  async entryForPrice(priceId: string): Promise<CatalogEntry | undefined> {
    const prices = await this.all();
    return this.catalog.find((entry) => prices.get(entry.id)?.priceId === priceId);
  }

  /**
   * The `GET /api/plans` body, serialised and encoded once per price refresh: every page with
   * the widget asks for it, and it changes only when the prices do. `trials: false` for a buyer
   * who has had a subscription, whose plans start paid.
   */
  plansBody(trials = true): Promise<Buffer> {
    const cached = this.cache();
    return trials ? cached.plansBody : cached.paidPlansBody;
  }

  /** The anonymous `plansBody()` when it is loaded and fresh, so the answer need not wait. */
  loadedPlansBody(): Buffer | undefined {
    const cached = this.#cached;
    return cached && !this.#isStale(cached, Date.now()) ? cached.loadedPlansBody : undefined;
  }

  /** The plans themselves, for an answer made for one buyer; `trials` as for `plansBody`. */
  async plans(trials = true): Promise<PlanPrice[]> {
    const plans = this.plansFrom(await this.all());
    return trials ? plans : plans.map((plan) => ({ ...plan, trialDays: null }));
  }

  private plansFrom(prices: Map<string, PriceInfo>): PlanPrice[] {
    const monthly = (plan: string) =>
      this.catalog.find((e) => e.plan === plan && e.billing === 'monthly' && e.active);
    return this.catalog.flatMap((entry) => {
      const price = prices.get(entry.id);
      if (!entry.active || !price?.active) return [];
      const monthlyEntry = entry.billing === 'annual' ? monthly(entry.plan) : undefined;
      const monthlyPrice = monthlyEntry && prices.get(monthlyEntry.id);
      return [
        {
          id: entry.id,
          plan: entry.plan,
          billing: entry.billing,
          mode: entry.mode,
          productName: price.productName,
          amount: price.amount,
          currency: price.currency,
          interval: price.interval,
          savingsPercent: monthlyPrice ? savingsPercent(price.amount, monthlyPrice.amount) : null,
          trialDays: entry.trialDays ?? null,
          trialCardRequired: entry.trialCardRequired,
        },
      ];
    });
  }

  private all(): Promise<Map<string, PriceInfo>> {
    return this.cache().prices;
  }

  private cache(): PriceCache {
    const now = Date.now();
    if (!this.#cached || this.#isStale(this.#cached, now)) {
      const prices = this.load();
      const plansBody = prices.then((map) =>
        jsonBytes({ plans: this.plansFrom(map) } satisfies PlansResponse),
      );
      const paidPlansBody = prices.then((map) =>
        jsonBytes({
          plans: this.plansFrom(map).map((plan) => ({ ...plan, trialDays: null })),
        } satisfies PlansResponse),
      );
      // Awaited only by a buyer who had a trial; plansBody's own handler below clears the cache.
      paidPlansBody.catch(() => undefined);
      const cached: PriceCache = { at: now, prices, plansBody, paidPlansBody };
      this.#cached = cached;
      plansBody.then(
        (body) => (cached.loadedPlansBody = body),
        // A failed load is not cached: the next request tries Stripe again.
        () => {
          if (this.#cached === cached) this.#cached = undefined;
        },
      );
    }
    return this.#cached;
  }

  #isStale(cached: PriceCache, now: number): boolean {
    return now - cached.at > this.ttlMs;
  }

  private async load(): Promise<Map<string, PriceInfo>> {
    const found = new Map<string, PriceInfo>();
    const byLookupKey: CatalogEntry[] = [];
    await Promise.all(
      this.catalog.map(async (entry) => {
        const priceId = this.priceIds[entry.priceEnv];
        if (!priceId) {
          byLookupKey.push(entry);
          return;
        }
        const price = await this.stripe.prices.retrieve(priceId, { expand: ['product'] });
        found.set(entry.id, toPriceInfo(price));
      }),
    );
    // Stripe takes at most ten lookup keys per list call.
    for (let i = 0; i < byLookupKey.length; i += 10) {
      const chunk = byLookupKey.slice(i, i + 10);
      const list = await this.stripe.prices.list({
        lookup_keys: chunk.map((entry) => entry.lookupKey),
        expand: ['data.product'],
        limit: 100,
      });
      for (const entry of chunk) {
        const price = list.data.find((p) => p.lookup_key === entry.lookupKey);
        if (price) found.set(entry.id, toPriceInfo(price));
      }
    }
    return found;
  }
}

const jsonBytes = (value: PlansResponse) => Buffer.from(JSON.stringify(value));

function toPriceInfo(price: Stripe.Price): PriceInfo {
  const product = price.product as Stripe.Product | Stripe.DeletedProduct | string;
  const productName =
    typeof product === 'object' && 'name' in product ? product.name : (price.nickname ?? '');
  const interval: string | undefined = price.recurring?.interval;
  return {
    priceId: price.id,
    productId: typeof product === 'string' ? product : product.id,
    productName,
    amount: price.unit_amount ?? 0,
    currency: price.currency,
    interval: interval === 'week' || interval === 'month' || interval === 'year' ? interval : null,
    active:
      price.active && (typeof product !== 'object' || !('active' in product) || product.active),
  };
}

export function savingsPercent(annualAmount: number, monthlyAmount: number): number {
  return Math.round((1 - annualAmount / (12 * monthlyAmount)) * 100);
}
