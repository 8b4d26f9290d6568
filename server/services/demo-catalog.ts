import { Catalog, type CatalogEntry } from '../../shared/index.ts';
import type { Env } from '../config.ts';
import { defaultCatalog } from './catalog.ts';

/**
 * The demo's free trial: Pro monthly, 14 days, no card asked, canceled at its end unless the buyer
 * adds one. An entry of its own on Pro monthly's price (Stripe keeps a trial on the subscription,
 * not on the price), so the documented plans answer in every dialect exactly as before.
 */
export const DEMO_TRIAL: CatalogEntry = {
  id: 'plan_pro_trial',
  plan: 'PRO',
  billing: 'monthly',
  mode: 'subscription',
  priceEnv: 'STRIPE_PRO_MONTHLY_PRICE_ID',
  lookupKey: 'plan_professional',
  active: true,
  trialDays: 14,
  trialCardRequired: false,
  trialEndWithoutCard: 'cancel',
};

export const demoCatalog: Catalog = Catalog.parse([...defaultCatalog, DEMO_TRIAL]);

/**
 * What `npm start` sells: the demo's catalog while the demo runs (the bundled local Stripe, no
 * PLANS_FILE), otherwise the environment's.
 */
export function catalogForStart(env: Env): Catalog {
  const demo = !env.STRIPE_SECRET_KEY && !env.PLANS_FILE && env.NODE_ENV !== 'production';
  return demo ? demoCatalog : env.catalog;
}
