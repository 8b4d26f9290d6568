import type Stripe from 'stripe';
import type { WebhookOutcome, WebhookProcessor } from './webhooks.ts';

export type ReconcileReport = Record<WebhookOutcome, number>;

/**
 * Replays the events Stripe has that we may have missed, oldest first, through the webhook code.
 * Processed events are skipped by id, so running it twice changes nothing.
 */
export async function reconcile(
  stripe: Stripe,
  webhooks: WebhookProcessor,
): Promise<ReconcileReport> {
  // Every event Stripe still keeps (30 days), not just those after the newest one applied: a gap
  // sits behind live events once the endpoint is back. Applied ones are skipped by id.
  const events: Stripe.Event[] = [];
  for await (const event of stripe.events.list({ limit: 100 })) {
    events.push(event);
  }
  const report: ReconcileReport = { processed: 0, duplicate: 0, ignored: 0 };
  for (const event of events.reverse()) report[await webhooks.process(event)]++;
  return report;
}
