import type Stripe from 'stripe';
import type { Core } from '../core.ts';
import { buildRefund } from '../objects/refund.ts';
import { newId } from '../store/ids.ts';
import { invalidRequest } from '../wire/errors.ts';
import { aftermathOf } from './cards.ts';
import { emitEvent, previousAttributes } from './events.ts';

/** A list inside an object holds a first page, as a list request does by default. */
const SUBLIST_LIMIT = 10;

/** Stripe's documented `failure_reason` values for a refund. */
export const REFUND_FAILURE_REASONS = [
  'lost_or_stolen_card',
  'expired_or_canceled_card',
  'charge_for_pending_refund_disputed',
  'insufficient_funds',
  'declined',
  'merchant_request',
  'unknown',
] as const;

export type RefundFailureReason = (typeof REFUND_FAILURE_REASONS)[number];

function money(amount: number, currency: string): string {
  return `${currency === 'usd' ? '$' : ''}${(amount / 100).toFixed(2)}`;
}

/**
 * Refunds all or part of a charge: refund.created, then charge.refunded with the charge's new
 * totals, as Stripe sends them. Call inside a transaction.
 */
export function refundCharge(
  core: Core,
  charge: Stripe.Charge,
  options: {
    amount?: number | undefined;
    reason?: Stripe.Refund.Reason | undefined;
    metadata: Record<string, string>;
  },
): Stripe.Refund {
  const { store, clock } = core;
  const remaining = charge.amount_captured - charge.amount_refunded;
  if (!charge.paid || remaining <= 0) {
    throw invalidRequest(
      `Charge ${charge.id} has already been refunded.`,
      'charge_already_refunded',
    );
  }
  const amount = options.amount ?? remaining;
  if (amount <= 0) {
    throw invalidRequest(
      'Refund amount must be greater than zero.',
      'parameter_invalid_integer',
      'amount',
    );
  }
  if (amount > remaining) {
    throw invalidRequest(
      `Refund amount (${money(amount, charge.currency)}) is greater than unrefunded amount on charge (${money(remaining, charge.currency)})`,
      'amount_too_large',
      'amount',
    );
  }
  const refund = store.refunds.insert(
    buildRefund({
      id: newId('re'),
      charge,
      amount,
      reason: options.reason ?? null,
      metadata: options.metadata,
      created: clock.now(),
    }),
  );
  emitEvent(core, 'refund.created', refund);
  const refunds = charge.refunds ?? {
    object: 'list' as const,
    data: [],
    has_more: false,
    url: `/v1/charges/${charge.id}/refunds`,
  };
  const updated: Stripe.Charge = {
    ...charge,
    amount_refunded: charge.amount_refunded + amount,
    refunded: charge.amount_refunded + amount >= charge.amount_captured,
    // The newest first; `has_more` sends a reader to list the rest.
    refunds: {
      ...refunds,
      data: [refund, ...refunds.data].slice(0, SUBLIST_LIMIT),
      has_more: refunds.has_more || refunds.data.length >= SUBLIST_LIMIT,
    },
  };
  store.charges.update(updated);
  emitEvent(core, 'charge.refunded', updated, previousAttributes(charge, updated));
  const failure = aftermathOf(charge.payment_method_details?.card?.fingerprint).refundFailure;
  if (failure) failRefundSoon(core, refund.id, failure as RefundFailureReason);
  return refund;
}

/**
 * The card network sends the refund back: the refund turns `failed` with its `failure_reason`
 * and the money returns to the balance, so the charge counts it as unrefunded again. Stripe
 * announces it with charge.refund.updated, refund.updated and refund.failed (for card refunds
 * too since 2024-10-28.acacia). Call inside a transaction.
 */
export function failRefund(
  core: Core,
  refund: Stripe.Refund,
  reason: RefundFailureReason,
): Stripe.Refund {
  const { store } = core;
  if (refund.status !== 'succeeded' && refund.status !== 'pending') {
    throw invalidRequest(
      `Refund ${refund.id} is ${refund.status}; only a pending or succeeded refund can fail.`,
    );
  }
  const failed = store.refunds.update({ ...refund, status: 'failed', failure_reason: reason });
  // Stripe lists a field that had no value before as null, e.g. `failure_reason: null`.
  const previous: Record<string, unknown> = previousAttributes(refund, failed);
  for (const key of Object.keys(failed)) if (!(key in refund)) previous[key] = null;
  emitEvent(core, 'charge.refund.updated', failed, previous);
  emitEvent(core, 'refund.updated', failed, previous);
  emitEvent(core, 'refund.failed', failed);

  const chargeId = typeof refund.charge === 'string' ? refund.charge : refund.charge?.id;
  const charge = chargeId ? store.charges.get(chargeId) : undefined;
  if (charge) {
    const amountRefunded = charge.amount_refunded - refund.amount;
    store.charges.update({
      ...charge,
      amount_refunded: amountRefunded,
      refunded: amountRefunded > 0 && amountRefunded >= charge.amount_captured,
      refunds: charge.refunds && {
        ...charge.refunds,
        data: charge.refunds.data.map((r) => (r.id === failed.id ? failed : r)),
      },
    });
  }
  return failed;
}

/** A test card's refund fails a moment after it was created, as Stripe's 4000 0000 0000 5126. */
function failRefundSoon(core: Core, refundId: string, reason: RefundFailureReason): void {
  setImmediate(() => {
    try {
      const refund = core.store.refunds.get(refundId);
      if (refund?.status === 'succeeded')
        core.db.transaction(() => failRefund(core, refund, reason))();
    } catch (error) {
      core.log(`refund ${refundId}: ${error instanceof Error ? error.message : error}`);
    }
  });
}
