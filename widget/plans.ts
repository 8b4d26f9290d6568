import type { Entitlement } from '../shared/api/account.ts';
import type { PlanPrice, PlansResponse } from '../shared/api/plans.ts';
import type { ChangePreview } from '../shared/api/subscription.ts';
import { listPlans } from './client.ts';

const plansByBuyer = new Map<string, Promise<PlansResponse>>();
// A purchase changes what its buyer holds. Registered when the script loads, before any button's
// own listener, so every button that asks again after it finds the answers gone and shares one.
addEventListener('checkout-complete', () => plansByBuyer.clear());

/**
 * One request per server and buyer for every button on the page; a failed one is tried again by
 * the next caller. With the buyer's credentials, the answer also says what the buyer holds.
 */
export function loadPlans(api: string, token?: string): Promise<PlansResponse> {
  const key = `${api} ${token}`;
  let plans = plansByBuyer.get(key);
  if (!plans) {
    plans = listPlans({ api, token });
    plansByBuyer.set(key, plans);
    plans.catch(() => plansByBuyer.delete(key));
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

/** The page's own language, for numbers and dates as its readers write them. */
const pageLanguage = () => document.documentElement.lang || undefined;

/** Stripe counts in the currency's minor unit; Intl knows how many digits that unit has. */
export function formatMoney(amount: number, currency: string): string {
  const money = new Intl.NumberFormat(pageLanguage(), {
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

/** A subscriber looking at another monthly or annual plan: a click switches, not subscribes. */
export function isSwitch(
  held: Entitlement | null | undefined,
  price: PlanPrice | undefined,
): boolean {
  return (
    held?.source === 'subscription' &&
    (price?.billing === 'monthly' || price?.billing === 'annual') &&
    (held.plan !== price!.plan || held.billing !== price!.billing)
  );
}

/** "Switch to PRO · $45.50 due today", or "Switch to BASIC on Jan 2, 2027" for a downgrade. */
export function changeLabel(
  plan: string,
  { effective, effectiveAt, amountDue, currency }: ChangePreview,
): string {
  return effective === 'now'
    ? `Switch to ${plan} · ${formatMoney(amountDue, currency)} due today`
    : `Switch to ${plan} on ${new Date(effectiveAt).toLocaleDateString(pageLanguage(), { dateStyle: 'medium' })}`;
}
