import type Stripe from 'stripe';
import type { Storage } from '../storage/index.ts';
import type { Reversal } from '../storage/purchases.ts';
import { idOf, ownerOf } from './fulfilment.ts';

/** A handled event's effect, written on `tx`, the transaction that records the event. */
export type EventEffect = (now: number, tx: Storage) => Promise<void>;

/** How an invoice event leaves its payment. */
export type InvoiceOutcome = 'paid' | 'failed' | 'requires_action';

/**
 * Dispute statuses that leave the buyer their access: an inquiry moves no money (`warning_*`), a
 * won or prevented dispute gives it back. Every other status, an open chargeback or a lost one
 * (and its appeal), has taken the money (docs.stripe.com/disputes/how-disputes-work).
 */
const DISPUTE_KEEPS_ACCESS = new Set([
  'warning_needs_response',
  'warning_under_review',
  'warning_closed',
  'won',
  'prevented',
]);

/**
 * What invoices, refunds and disputes do to a buyer's payments and access. Each `prepare…` does
 * its Stripe reads first and returns the effect to write (or null when there is none).
 */
export class PaymentEffects {
  constructor(private readonly deps: { stripe: Stripe; storage: Storage }) {}

  /** Records a subscription invoice in the buyer's payment history. */
  prepareInvoice(invoice: Stripe.Invoice, outcome: InvoiceOutcome): EventEffect {
    return async (now, tx) => {
      const customerId = idOf(invoice.customer);
      const details = invoice.parent?.subscription_details;
      const subscriptionId = idOf(details?.subscription);
      const userId = await ownerOf(tx, {
        customerId,
        stored: subscriptionId ? await tx.subscriptions.find(subscriptionId) : undefined,
        metadata: details?.metadata,
      });
      if (!userId || !invoice.id) return;
      await tx.payments.save({
        id: invoice.id,
        user_id: userId,
        kind: 'invoice',
        description: invoice.lines?.data[0]?.description ?? 'Subscription',
        amount: outcome === 'paid' ? invoice.amount_paid : invoice.amount_due,
        currency: invoice.currency,
        status: outcome,
        created: invoice.created,
        // The hosted invoice page: the receipt once paid, where the buyer confirms it until then.
        receipt_url: invoice.hosted_invoice_url ?? null,
      });
      if (customerId) await tx.customers.remember(userId, customerId, now);
    };
  }

  /**
   * A refund of the charge changed (made, failed, updated). The charge is read from Stripe as it
   * is now, since neither event's object tells the whole story: charge.refunded comes for partial
   * refunds too and counts pending ones, a refund's own event says nothing of the charge's others.
   * Access goes only when refunds that succeeded cover the whole charge.
   */
  async prepareRefund(
    target: { chargeId: string | null; paymentIntentId: string | null },
    created: number,
  ): Promise<EventEffect | null> {
    const { chargeId, paymentIntentId } = target;
    if (!chargeId || !paymentIntentId) return null;
    if (created < (await this.deps.storage.purchases.asOf(paymentIntentId, 'refund'))) return null;
    const refunded = await this.#refundedInFull(chargeId);
    return this.#reverse(paymentIntentId, { kind: 'refund', refunded, asOf: created });
  }

  /**
   * The dispute opened, changed or closed. An event older than the state kept is dropped; one
   * exactly as old is ambiguous (Stripe stamps whole seconds), so the dispute is fetched instead.
   */
  async prepareDispute(dispute: Stripe.Dispute, created: number): Promise<EventEffect | null> {
    const paymentIntentId = idOf(dispute.payment_intent);
    if (!paymentIntentId) return null;
    const asOf = await this.deps.storage.purchases.asOf(paymentIntentId, 'dispute');
    if (created < asOf) return null;
    const { status } =
      created === asOf ? await this.deps.stripe.disputes.retrieve(dispute.id) : dispute;
    return this.#reverse(paymentIntentId, {
      kind: 'dispute',
      disputed: !DISPUTE_KEEPS_ACCESS.has(status),
      status,
      asOf: created,
    });
  }

  async #refundedInFull(chargeId: string): Promise<boolean> {
    const { stripe } = this.deps;
    // Since 2022-11-15 a charge leaves its refunds out unless expanded; one request reads both,
    // and only a charge with more refunds than its first page needs them listed.
    const charge = await stripe.charges.retrieve(chargeId, { expand: ['refunds'] });
    // `refunded` is Stripe's "fully refunded", pending refunds included; only succeeded ones count.
    if (!charge.refunded) return false;
    const refunds = charge.refunds?.has_more
      ? stripe.refunds.list({ charge: chargeId, limit: 100 })
      : (charge.refunds?.data ?? []);
    let succeeded = 0;
    for await (const refund of refunds) {
      if (refund.status === 'succeeded') succeeded += refund.amount;
    }
    return succeeded >= charge.amount_captured;
  }

  #reverse(paymentIntentId: string, reversal: Reversal): EventEffect {
    return async (now, tx) => {
      const purchase = await tx.purchases.reverse(paymentIntentId, reversal);
      if (!purchase) return;
      await tx.payments.setStatus(paymentIntentId, purchase.status);
      await tx.entitlements.refresh(purchase.user_id, now);
    };
  }
}
