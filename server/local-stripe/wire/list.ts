import type { Page } from '../store/collection.ts';
import { parameterInvalid } from './errors.ts';

export interface ApiList<T> {
  object: 'list';
  data: T[];
  has_more: boolean;
  url: string;
}

export function toList<T>(url: string, page: Page<T>): ApiList<T> {
  return { object: 'list', data: page.data, has_more: page.has_more, url };
}

/** Stripe allows 1 to 100 items a page and defaults to 10. */
export function pageLimit(limit: number | undefined): number {
  if (limit === undefined) return 10;
  if (limit < 1 || limit > 100) {
    throw parameterInvalid(
      'limit',
      'This value must be greater than or equal to 1 and less than or equal to 100.',
      'parameter_invalid_integer',
    );
  }
  return limit;
}
