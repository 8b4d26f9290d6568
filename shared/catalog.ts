import { z } from 'zod';

/** The plans a buyer can pick in the widget and the APIs. */
export const PlanName = z.enum(['weekly', 'one-time', 'BASIC', 'PRO']);
export type PlanName = z.infer<typeof PlanName>;

/** How often a price charges; `once` is a one-time (lifetime) purchase. */
export const Billing = z.enum(['weekly', 'monthly', 'annual', 'once']);
export type Billing = z.infer<typeof Billing>;

export const CheckoutMode = z.enum(['subscription', 'payment']);
export type CheckoutMode = z.infer<typeof CheckoutMode>;

/** One purchasable Stripe price. A site owner may replace the whole catalog with PLANS_FILE. */
export const CatalogEntry = z.object({
  id: z.string().regex(/^[a-z0-9_-]{1,64}$/, 'catalog ids are lower-case letters, digits, _ and -'),
  plan: PlanName,
  billing: Billing,
  mode: CheckoutMode,
  /** Environment variable that holds the Stripe price id; without it the price is found by lookup key. */
  priceEnv: z.string().regex(/^[A-Z][A-Z0-9_]*$/),
  /** Stripe `lookup_key` of the price, used when `priceEnv` is unset (the local Stripe seeds these). */
  lookupKey: z.string().min(1).max(200),
  active: z.boolean().default(true),
  /**
   * The price `npm run stripe:setup` creates, in minor units (cents). Stripe prices cannot change,
   * so a new amount becomes a new price that takes over the lookup key.
   */
  amount: z.number().int().nonnegative().optional(),
  /** The currency of `amount`, lower-case ISO 4217; usd when unset. */
  currency: z
    .string()
    .regex(/^[a-z]{3}$/, 'currencies are three lower-case letters')
    .optional(),
  /**
   * Days of free trial before the first charge, for a buyer who never had a subscription here.
   * Stripe ends a trial at most 730 days ahead.
   */
  trialDays: z.number().int().positive().max(730, 'Stripe trials last at most 730 days').optional(),
  /** Whether Checkout asks for a card to start the trial; without one, the buyer only confirms. */
  trialCardRequired: z.boolean().default(true),
  /** What a trial that ends with no card on file becomes: canceled, or paused until a card is added. */
  trialEndWithoutCard: z.enum(['cancel', 'pause']).default('cancel'),
});
export type CatalogEntry = z.infer<typeof CatalogEntry>;

export const Catalog = z
  .array(CatalogEntry)
  .min(1)
  .refine((entries) => new Set(entries.map((e) => e.id)).size === entries.length, {
    message: 'catalog ids must be unique',
  })
  .superRefine((entries, ctx) =>
    entries.forEach((entry, index) => {
      if (entry.trialDays && entry.mode !== 'subscription')
        ctx.addIssue({
          code: 'custom',
          path: [index, 'trialDays'],
          message: 'only subscription entries have trials',
        });
    }),
  );
export type Catalog = z.infer<typeof Catalog>;

/** Weekly and one-time plans have a single price, so the billing a page asks for does not matter. */
export function findCatalogEntry(
  catalog: readonly CatalogEntry[],
  plan: PlanName,
  billing: 'monthly' | 'annual' = 'monthly',
): CatalogEntry | undefined {
  return catalog.find(
    (entry) =>
      entry.plan === plan &&
      (entry.billing === billing || entry.billing === 'weekly' || entry.billing === 'once'),
  );
}
