import type Stripe from 'stripe';
import { badRequest } from '../errors.ts';
import { nowSeconds, type Storage } from '../storage/index.ts';
import { ownerIdFromMetadata } from './buyers.ts';
import type { Fulfilment } from './fulfilment.ts';
import { payloadProblem } from './webhook-payloads.ts';
import { idOf, type PreparedSubscription } from './fulfilment.ts';

/** Stripe's own default: a signature older than five minutes may be a replay. */
const SIGNATURE_TOLERANCE_SECONDS = 300;

export type WebhookOutcome = 'processed' | 'duplicate' | 'ignored';

/**
 * Verifies, then applies each event exactly once: the event id is recorded in the same SQLite
 * transaction as its effects, so a duplicate (sequential or concurrent) changes nothing and a
 * failure leaves nothing behind for Stripe's retry to trip over.
 */
export class WebhookProcessor {
  constructor(
    private readonly deps: {
      stripe: Stripe;
      storage: Storage;
      fulfilment: Fulfilment;
      /** Several secrets are accepted while one is rotated out. */
      secrets: readonly string[];
    },
  ) {}

  verify(rawBody: Buffer, signature: string | undefined): Stripe.Event {
    if (!signature) throw badRequest('Missing Stripe-Signature header', 'signature_missing');
    for (const secret of this.deps.secrets) {
      let event: Stripe.Event;
      try {
        event = this.deps.stripe.webhooks.constructEvent(
          rawBody,
          signature,
          secret,
          SIGNATURE_TOLERANCE_SECONDS,
        );
      } catch {
        continue; // Try the next secret; the error below speaks for all of them.
      }
      // A signed body that is no event can never be applied: a 500 would only be retried for days.
      if (!isEventEnvelope(event))
        throw badRequest('Webhook body is not a Stripe event', 'event_malformed');
      const problem = payloadProblem(event);
      if (problem) throw badRequest(problem, 'event_malformed');
      return event;
    }
    throw badRequest('Webhook signature verification failed', 'signature_invalid');
  }

  async process(event: Stripe.Event): Promise<WebhookOutcome> {
    const { storage } = this.deps;
    if (storage.events.seen(event.id)) return 'duplicate';
    const apply = await this.#prepare(event);
    return storage.transaction(() => {
      const now = nowSeconds();
      if (!storage.events.record(event, now)) return 'duplicate';
      if (!apply) return 'ignored';
      apply(now);
      return 'processed';
    });
  }

  /** Does the Stripe reads an event needs, then returns its synchronous effect (or null). */
  async #prepare(event: Stripe.Event): Promise<((now: number) => void) | null> {
    const { fulfilment, storage } = this.deps;
    switch (event.type) {
      case 'checkout.session.completed':
      case 'checkout.session.async_payment_succeeded':
      case 'checkout.session.async_payment_failed': {
        const session = event.data.object;
        const subscription = await fulfilment.prepareSession(session);
        return (now) => void fulfilment.applyCompletedSession(session, subscription, now);
      }
      case 'checkout.session.expired': {
        const session = event.data.object;
        return () => void storage.sessions.close(session.id, 'expired', session.payment_status);
      }
      case 'customer.subscription.created':
      case 'customer.subscription.updated':
      case 'customer.subscription.deleted':
      case 'customer.subscription.paused':
      case 'customer.subscription.resumed': {
        const prepared: PreparedSubscription | null = await fulfilment.prepareSubscriptionEvent(
          event.data.object,
          event.created,
        );
        return prepared && ((now) => void fulfilment.applySubscription(prepared, now));
      }
      case 'invoice.paid':
      case 'invoice.payment_succeeded':
      case 'invoice.payment_failed':
        return (now) =>
          this.#recordInvoice(event.data.object, event.type === 'invoice.payment_failed', now);
      case 'charge.refunded': {
        const charge = event.data.object;
        return (now) =>
          charge.refunded && this.#revoke(idOf(charge.payment_intent), 'refunded', now);
      }
      case 'charge.dispute.created': {
        const dispute = event.data.object;
        return (now) => this.#revoke(idOf(dispute.payment_intent), 'disputed', now);
      }
      default:
        return null;
    }
  }

  #recordInvoice(invoice: Stripe.Invoice, failed: boolean, now: number): void {
    const { storage } = this.deps;
    const customerId = idOf(invoice.customer);
    const userId =
      (customerId && storage.customers.userIdFor(customerId)) ||
      ownerIdFromMetadata(invoice.parent?.subscription_details?.metadata);
    if (!userId || !invoice.id) return;
    storage.payments.save({
      id: invoice.id,
      user_id: userId,
      kind: 'invoice',
      description: invoice.lines?.data[0]?.description ?? 'Subscription',
      amount: failed ? invoice.amount_due : invoice.amount_paid,
      currency: invoice.currency,
      status: failed ? 'failed' : 'paid',
      created: invoice.created,
      receipt_url: invoice.hosted_invoice_url ?? null,
    });
    if (customerId) storage.customers.remember(userId, customerId, now);
  }

  #revoke(paymentIntentId: string | null, status: 'refunded' | 'disputed', now: number): void {
    if (!paymentIntentId) return;
    const { storage } = this.deps;
    storage.purchases.revoke(paymentIntentId, status, now);
    const purchase = storage.purchases.find(paymentIntentId);
    if (!purchase) return;
    storage.payments.setStatus(paymentIntentId, status);
    storage.entitlements.refresh(purchase.user_id, now);
  }
}

function isEventEnvelope(value: unknown): value is Stripe.Event {
  const event = value as Partial<Record<'id' | 'type' | 'created' | 'data', unknown>> | null;
  const data = event?.data as { object?: unknown } | null | undefined;
  return (
    typeof event === 'object' &&
    event !== null &&
    typeof event.id === 'string' &&
    event.id !== '' &&
    typeof event.type === 'string' &&
    Number.isInteger(event.created) &&
    typeof data === 'object' &&
    data !== null &&
    typeof data.object === 'object' &&
    data.object !== null &&
    !Array.isArray(data.object)
  );
}
