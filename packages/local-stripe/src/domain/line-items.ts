import type Stripe from 'stripe';
import type { Core } from '../core.ts';
import { toList, type ApiList } from '../wire/list.ts';

export function lineItemsList(
  core: Core,
  sessionId: string,
  page: { limit: number; starting_after?: string; ending_before?: string },
): ApiList<Stripe.LineItem> {
  const items = core.store.checkoutSessions.internal(sessionId)?.lineItems ?? [];
  let start = 0;
  let end = items.length;
  if (page.starting_after) start = items.findIndex((i) => i.id === page.starting_after) + 1;
  if (page.ending_before) {
    end = Math.max(
      0,
      items.findIndex((i) => i.id === page.ending_before),
    );
    start = Math.max(0, end - page.limit);
  }
  const data = items.slice(start, Math.min(end, start + page.limit));
  const hasMore = page.ending_before ? start > 0 : start + data.length < end;
  return toList(`/v1/checkout/sessions/${sessionId}/line_items`, { data, has_more: hasMore });
}
