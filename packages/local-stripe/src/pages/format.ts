// Money, intervals, dates and links, worded the way Stripe's hosted pages word them.

export type Interval = 'day' | 'week' | 'month' | 'year';

const moneyFormats = new Map<string, Intl.NumberFormat>();

function moneyFormat(currency: string): Intl.NumberFormat {
  const key = currency.toUpperCase();
  let format = moneyFormats.get(key);
  if (!format) {
    format = new Intl.NumberFormat('en-US', { style: 'currency', currency: key });
    moneyFormats.set(key, format);
  }
  return format;
}

/** Amounts arrive in minor units; the currency's own exponent (0 for JPY, 2 for USD) scales them. */
export function formatMoney(minorUnits: number, currency: string): string {
  const format = moneyFormat(currency);
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(minorUnits / 10 ** digits);
}

/** "per year", "every 3 months". */
export function perInterval(interval: Interval, count = 1): string {
  return count === 1 ? `per ${interval}` : `every ${count} ${interval}s`;
}

const ADVERBS: Record<Interval, string> = {
  day: 'daily',
  week: 'weekly',
  month: 'monthly',
  year: 'yearly',
};

/** "Billed yearly", "Billed every 3 months". */
export function billedEvery(interval: Interval, count = 1): string {
  return count === 1 ? `Billed ${ADVERBS[interval]}` : `Billed every ${count} ${interval}s`;
}

// UTC keeps the page's dates the same as the API's timestamps whatever the server's zone.
const longDate = new Intl.DateTimeFormat('en-US', { dateStyle: 'long', timeZone: 'UTC' });
const shortDate = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeZone: 'UTC' });

export function formatLongDate(unixSeconds: number): string {
  return longDate.format(new Date(unixSeconds * 1000));
}

export function formatShortDate(unixSeconds: number): string {
  return shortDate.format(new Date(unixSeconds * 1000));
}

/**
 * Only http(s) URLs become links: an escaped `javascript:` URL is still a script.
 */
export function safeHref(url: string | null): string | null {
  if (!url) return null;
  try {
    const { protocol } = new URL(url);
    return protocol === 'http:' || protocol === 'https:' ? url : null;
  } catch {
    return null;
  }
}

/** The site a link leads back to, named by its host ("shop.example.com"). */
export function siteName(url: string | null): string | null {
  const href = safeHref(url);
  return href ? new URL(href).host : null;
}

export function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1).replaceAll('_', ' ');
}
