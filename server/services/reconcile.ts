import type Stripe from 'stripe';
import type { Storage } from '../storage/index.ts';
import type { WebhookOutcome, WebhookProcessor } from './webhooks.ts';

export type ReconcileReport = Record<WebhookOutcome, number>;

/**
 * Replays the events Stripe has that we may have missed, oldest first, through the webhook code.
 * Processed events are skipped by id, so running it twice changes nothing.
 */
export async function reconcile(
  stripe: Stripe,
  storage: Storage,
  webhooks: WebhookProcessor,
): Promise<ReconcileReport> {
  const newest = storage.events.newestCreated();
  // Stripe stamps whole seconds: start one second early so nothing at the boundary is skipped.
  const since = newest === null ? undefined : { gte: newest - 1 };
  const events: Stripe.Event[] = [];
  for await (const event of stripe.events.list({ limit: 100, ...(since && { created: since }) })) {
    events.push(event);
  }
  const report: ReconcileReport = { processed: 0, duplicate: 0, ignored: 0 };
  for (const event of events.reverse()) report[await webhooks.process(event)]++;
  return report;
}
