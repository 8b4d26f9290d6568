import type { Interval } from '../objects/catalog.ts';

/**
 * The end of a billing period that starts at `start` (unix seconds). Months and years keep the
 * day of the month, falling back to the month's last day as Stripe does (Jan 31 → Feb 28).
 */
export function addInterval(start: number, interval: Interval, count: number): number {
  const date = new Date(start * 1000);
  switch (interval) {
    case 'day':
      return start + count * 86_400;
    case 'week':
      return start + count * 7 * 86_400;
    case 'month':
      return addMonths(date, count);
    case 'year':
      return addMonths(date, 12 * count);
    default:
      throw new Error(`unsupported interval ${interval}`);
  }
}

function addMonths(date: Date, months: number): number {
  const day = date.getUTCDate();
  const target = new Date(date.getTime());
  target.setUTCDate(1);
  target.setUTCMonth(target.getUTCMonth() + months);
  const lastDay = new Date(
    Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0),
  ).getUTCDate();
  target.setUTCDate(Math.min(day, lastDay));
  return Math.floor(target.getTime() / 1000);
}
