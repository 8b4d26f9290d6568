import type { Page, PageQuery } from '../store/collection.ts';
import { parameterInvalid } from './errors.ts';

export interface ApiList<T> {
  object: 'list';
  data: T[];
  has_more: boolean;
  url: string;
}

/** The cursor params every list endpoint takes, as `listParams` parses them. */
interface ListParams {
  limit?: number;
  starting_after?: string;
  ending_before?: string;
}

interface Pages<T> {
  page(query: PageQuery<T>): Page<T>;
}

export function toList<T>(url: string, page: Page<T>): ApiList<T> {
  return { object: 'list', data: page.data, has_more: page.has_more, url };
}

/** One page of a collection as the list endpoint at `url` returns it, newest first. */
export function listOf<T>(
  url: string,
  collection: Pages<T>,
  params: ListParams,
  query: Pick<PageQuery<T>, 'where' | 'filter'> = {},
): ApiList<T> {
  const page = collection.page({
    ...query,
    limit: pageLimit(params.limit),
    starting_after: params.starting_after,
    ending_before: params.ending_before,
  });
  return toList(url, page);
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
