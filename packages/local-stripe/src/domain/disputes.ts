import type Stripe from 'stripe';
import type { Core } from '../core.ts';
import { buildDispute, disputeBalanceTransaction } from '../objects/dispute.ts';
import { newId } from '../store/ids.ts';
import { invalidRequest } from '../wire/errors.ts';
import { emitEvent, previousAttributes } from './events.ts';

const DAY = 86_400;

export type DisputeOutcome = 'won' | 'lost';

const CLOSED: readonly string[] = ['won', 'lost', 'warning_closed', 'prevented'];

function isInquiry(dispute: Stripe.Dispute): boolean {
  return dispute.status.startsWith('warning_');
}

type DisputeEvent =
  | 'charge.dispute.updated'
  | 'charge.dispute.closed'
  | 'charge.dispute.funds_withdrawn'
  | 'charge.dispute.funds_reinstated';

/** Stores the change and sends its event; only `updated` carries `previous_attributes`. */
function save(
  core: Core,
  before: Stripe.Dispute,
  after: Stripe.Dispute,
  type: DisputeEvent = 'charge.dispute.updated',
): Stripe.Dispute {
  core.store.disputes.update(after);
  if (type === 'charge.dispute.updated') {
    emitEvent(core, type, after, previousAttributes(before, after));
  } else {
    emitEvent(core, type, after);
  }
  return after;
}

function withFunds(core: Core, dispute: Stripe.Dispute, kind: 'withdrawal' | 'reversal') {
  const transaction = disputeBalanceTransaction({
    id: newId('txn'),
    dispute,
    kind,
    created: core.clock.now(),
  });
  return { ...dispute, balance_transactions: [...dispute.balance_transactions, transaction] };
}

/**
 * The cardholder disputes the charge with their bank: charge.dispute.created, then for a
 * chargeback charge.dispute.funds_withdrawn as Stripe debits the amount and its fee. An inquiry
 * moves no money until it escalates. Call inside a transaction.
 */
export function openDispute(
  core: Core,
  charge: Stripe.Charge,
  options: { reason: string; inquiry: boolean },
): Stripe.Dispute {
  const { store, clock } = core;
  if (charge.disputed)
    throw invalidRequest(`Charge ${charge.id} has already been disputed.`, 'charge_disputed');
  if (!charge.paid)
    throw invalidRequest(`Charge ${charge.id} did not succeed; nothing to dispute.`);
  const now = clock.now();
  const opened = store.disputes.insert(
    buildDispute({ id: newId('dp'), charge, ...options, created: now, dueBy: now + 21 * DAY }),
  );
  store.charges.update({ ...charge, disputed: true });
  emitEvent(core, 'charge.dispute.created', opened);
  if (options.inquiry) return opened;
  return save(
    core,
    opened,
    withFunds(core, opened, 'withdrawal'),
    'charge.dispute.funds_withdrawn',
  );
}

/**
 * Opens the dispute a test card promises, moments after its charge, as Stripe does for
 * 4000 0000 0000 0259 and the other dispute cards: after the payment's own events.
 */
export function openDisputeSoon(
  core: Core,
  chargeId: string,
  options: { reason: string; inquiry: boolean },
): void {
  setImmediate(() => {
    try {
      const charge = core.store.charges.get(chargeId);
      if (!charge || charge.disputed) return;
      core.db.transaction(() => openDispute(core, charge, options))();
    } catch (error) {
      core.log(`dispute for ${chargeId}: ${error instanceof Error ? error.message : error}`);
    }
  });
}

/**
 * The merchant answers with evidence, then the bank decides. With Stripe's test evidence
 * (`winning_evidence`, `losing_evidence` in `uncategorized_text`, docs.stripe.com/testing) the
 * answer is charge.dispute.updated (now under review), then a win reinstates the funds
 * (charge.dispute.funds_reinstated) and either way charge.dispute.closed. An inquiry the merchant
 * wins closes as `warning_closed`; losing one means a chargeback, which `escalateInquiry` opens.
 * Call inside a transaction.
 */
export function closeDispute(
  core: Core,
  dispute: Stripe.Dispute,
  outcome: DisputeOutcome,
): Stripe.Dispute {
  if (CLOSED.includes(dispute.status)) throw invalidRequest('This dispute is already closed');
  const inquiry = isInquiry(dispute);
  if (inquiry && outcome === 'lost') {
    throw invalidRequest(
      'An inquiry is not lost: it closes as warning_closed (outcome won) or escalates to a chargeback.',
    );
  }
  const answered = submitEvidence(
    core,
    dispute,
    outcome === 'won' ? 'winning_evidence' : 'losing_evidence',
  );
  if (inquiry) {
    return save(core, answered, { ...answered, status: 'warning_closed' }, 'charge.dispute.closed');
  }
  if (outcome === 'lost') {
    return save(core, answered, { ...answered, status: 'lost' }, 'charge.dispute.closed');
  }
  const won: Stripe.Dispute = {
    ...withFunds(core, answered, 'reversal'),
    status: 'won',
    is_charge_refundable: true,
  };
  save(core, answered, won, 'charge.dispute.funds_reinstated');
  emitEvent(core, 'charge.dispute.closed', won);
  return won;
}

/**
 * The bank turns an inquiry into a chargeback, as Stripe's `escalate_inquiry_evidence` does:
 * charge.dispute.updated, then charge.dispute.funds_withdrawn. Call inside a transaction.
 */
export function escalateInquiry(core: Core, dispute: Stripe.Dispute): Stripe.Dispute {
  if (CLOSED.includes(dispute.status)) throw invalidRequest('This dispute is already closed');
  if (!isInquiry(dispute)) throw invalidRequest(`Dispute ${dispute.id} is not an inquiry.`);
  const card = dispute.payment_method_details?.card;
  const chargeback: Stripe.Dispute = {
    ...dispute,
    status: 'needs_response',
    is_charge_refundable: false,
    evidence_details: { ...dispute.evidence_details, due_by: core.clock.now() + 21 * DAY },
    ...(card && dispute.payment_method_details
      ? {
          payment_method_details: {
            ...dispute.payment_method_details,
            card: { ...card, case_type: 'chargeback' },
          },
        }
      : {}),
  };
  save(core, dispute, chargeback);
  return save(
    core,
    chargeback,
    withFunds(core, chargeback, 'withdrawal'),
    'charge.dispute.funds_withdrawn',
  );
}

function submitEvidence(core: Core, dispute: Stripe.Dispute, text: string): Stripe.Dispute {
  const inquiry = isInquiry(dispute);
  return save(core, dispute, {
    ...dispute,
    evidence: { ...dispute.evidence, uncategorized_text: text },
    evidence_details: {
      ...dispute.evidence_details,
      has_evidence: true,
      submission_count: dispute.evidence_details.submission_count + 1,
      submission_method: 'manual',
    },
    status: inquiry ? 'warning_under_review' : 'under_review',
  });
}
