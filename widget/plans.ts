import type { PlanPrice } from '../shared/api/plans.ts';
import { listPlans } from './client.ts';

const plansByApi = new Map<string, Promise<PlanPrice[]>>();

/** One request per server for every button on the page; a failed one is tried again by the next caller. */
export function loadPlans(api: string): Promise<PlanPrice[]> {
  let plans = plansByApi.get(api);
  if (!plans) {
    plans = listPlans({ api });
    plansByApi.set(api, plans);
    plans.catch(() => plansByApi.delete(api));
  }
  return plans;
}

/**
 * The price a button sells: the catalog entry `plan` names by id, or the plan's price. Mirrors
 * `findCatalogEntry` in shared/catalog.ts, which the widget cannot import without bundling full
 * zod: weekly and one-time plans ignore the billing.
 */
export function findPrice(
  plans: readonly PlanPrice[],
  plan: string | undefined,
  billing: string,
): PlanPrice | undefined {
  return plans.find(
    (price) =>
      price.id === plan ||
      (price.plan === plan && [billing, 'weekly', 'once'].includes(price.billing)),
  );
}

/** Stripe counts in the currency's minor unit; Intl knows how many digits that unit has. */
export function formatMoney(amount: number, currency: string): string {
  const money = new Intl.NumberFormat(document.documentElement.lang || undefined, {
    style: 'currency',
    currency,
    // "$190", not "$190.00": whole amounts read better on a button.
    trailingZeroDisplay: 'stripIfInteger',
  });
  return money.format(amount / 10 ** money.resolvedOptions().maximumFractionDigits!);
}

/** "$190/year", or "$149" for a one-time price. */
export function priceText(price: PlanPrice): string {
  const money = formatMoney(price.amount, price.currency);
  return price.interval ? `${money}/${price.interval}` : money;
}

/**
 * "Start 14-day free trial" when the buyer would get one, else "Subscribe to PRO, $190/year", named
 * after the price's own plan (`plan` may be a catalog id); without a price yet, just the action.
 */
export function defaultLabel(plan: string | undefined, price?: PlanPrice): string {
  if (price?.trialDays) return `Start ${price.trialDays}-day free trial`;
  if (price) return `${defaultLabel(price.plan)}, ${priceText(price)}`;
  return plan === 'one-time'
    ? 'Buy lifetime access'
    : plan === 'weekly'
      ? 'Subscribe weekly'
      : `Subscribe to ${plan ?? 'a plan'}`;
}
