import type Stripe from 'stripe';
import type { Core } from '../core.ts';
import { buildDispute } from '../objects/dispute.ts';
import { buildRefund } from '../objects/refund.ts';
import { newId } from '../store/ids.ts';
import { invalidRequest } from '../wire/errors.ts';
import { emitEvent, previousAttributes } from './events.ts';

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
    refunds: { ...refunds, data: [refund, ...refunds.data] },
  };
  store.charges.update(updated);
  emitEvent(core, 'charge.refunded', updated, previousAttributes(charge, updated));
  return refund;
}

/** The cardholder disputes the charge with their bank: charge.dispute.created. */
export function disputeCharge(core: Core, charge: Stripe.Charge, reason: string): Stripe.Dispute {
  const { store, clock } = core;
  if (charge.disputed)
    throw invalidRequest(`Charge ${charge.id} has already been disputed.`, 'charge_disputed');
  const now = clock.now();
  const dispute = store.disputes.insert(
    buildDispute({ id: newId('dp'), charge, reason, created: now, dueBy: now + 21 * 86_400 }),
  );
  store.charges.update({ ...charge, disputed: true });
  emitEvent(core, 'charge.dispute.created', dispute);
  return dispute;
}
