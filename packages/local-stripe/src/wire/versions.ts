import type { Context } from 'koa';
import Stripe from 'stripe';

/**
 * The account's default API version: the one the installed SDK pins. Requests that send no
 * Stripe-Version, and webhook endpoints created without an `api_version`, get this one.
 */
export const ACCOUNT_API_VERSION: string = Stripe.API_VERSION;

/** `2025-03-31.basil` and `2024-06-20` alike: a release date, then the major release's name. */
export const API_VERSION_FORMAT = /^\d{4}-\d{2}-\d{2}(\.[a-z]+)?$/;

/**
 * 2025-03-31.basil moved `current_period_start`/`current_period_end` from the subscription to its
 * items ("Adds subscription item-level billing periods and removes subscription-level periods",
 * docs.stripe.com/changelog/basil/2025-03-31/deprecate-subscription-current-period-start-and-end).
 */
const ITEM_LEVEL_PERIODS = '2025-03-31';

/**
 * 2026-09-30.endive stopped taking `payment_method_types` on Checkout Session create
 * (docs.stripe.com/changelog/endive/2026-09-30/remove-payment-method-types-checkout-sessions).
 */
export const CHECKOUT_PAYMENT_METHOD_TYPES_REMOVED = '2026-09-30';

/** Whether `version` is older than the release dated `date`; versions order by their date. */
export function isBefore(version: string, date: string): boolean {
  return version.slice(0, 10) < date;
}

/** The version this request is answered in: its Stripe-Version header, else the account's. */
export function requestVersion(ctx: Context): string {
  return ctx.get('stripe-version') || ACCOUNT_API_VERSION;
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The subscription as versions before basil show it: one period, on the subscription. */
function withSubscriptionLevelPeriods(subscription: Json): Json {
  const items = subscription['items'];
  if (!isObject(items) || !Array.isArray(items['data'])) return subscription;
  const data = (items['data'] as unknown[]).map((item) => withoutPeriods(item));
  const first = (items['data'] as unknown[])[0];
  return {
    ...subscription,
    current_period_end: isObject(first) ? (first['current_period_end'] ?? null) : null,
    current_period_start: isObject(first) ? (first['current_period_start'] ?? null) : null,
    items: { ...items, data },
  };
}

function withoutPeriods(item: unknown): unknown {
  if (!isObject(item)) return item;
  const rest = { ...item };
  delete rest['current_period_end'];
  delete rest['current_period_start'];
  return rest;
}

/**
 * A value as an API version shows it. Objects are stored in the pinned version's shape; older
 * versions get theirs back. Events keep the shape they were rendered in when they happened.
 */
export function inVersion<T>(value: T, version: string): T {
  if (!isBefore(version, ITEM_LEVEL_PERIODS)) return value;
  return convert(value) as T;
}

function convert(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(convert);
  if (!isObject(value) || value['object'] === 'event') return value;
  const converted = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, convert(v)]));
  return converted['object'] === 'subscription'
    ? withSubscriptionLevelPeriods(converted)
    : converted;
}

/**
 * An event as an endpoint on `version` receives it: stamped with that version, its object in
 * that version's shape, and `previous_attributes` naming the fields as that version names them.
 */
export function eventInVersion(event: Stripe.Event, version: string): Stripe.Event {
  if (!isBefore(version, ITEM_LEVEL_PERIODS)) return { ...event, api_version: version };
  const object = event.data.object as unknown as Json;
  const previous = event.data.previous_attributes as Json | undefined;
  const data: Json = { object: convert(object) };
  if (previous) {
    data['previous_attributes'] =
      object['object'] === 'subscription' ? previousPeriods(previous, object) : previous;
  }
  return { ...event, api_version: version, data } as unknown as Stripe.Event;
}

/** A changed period shows as changed subscription fields; the items are only listed if more changed. */
function previousPeriods(previous: Json, subscription: Json): Json {
  const before = previous['items'];
  if (!isObject(before)) return previous;
  const legacyBefore = withSubscriptionLevelPeriods({ items: before });
  const legacyNow = withSubscriptionLevelPeriods(subscription);
  const changed: Json = { ...previous };
  delete changed['items'];
  for (const field of ['current_period_start', 'current_period_end']) {
    if (legacyBefore[field] !== legacyNow[field]) changed[field] = legacyBefore[field];
  }
  if (JSON.stringify(legacyBefore['items']) !== JSON.stringify(legacyNow['items'])) {
    changed['items'] = legacyBefore['items'];
  }
  return changed;
}
