import type Stripe from 'stripe';

/** Stripe's dispute fee in the US (stripe.com/pricing), taken with the disputed amount. */
const DISPUTE_FEE = 1500;

/**
 * A chargeback debits the disputed amount plus the fee; winning credits the amount back but not
 * the fee, which Stripe keeps whatever the outcome.
 */
export function disputeBalanceTransaction(input: {
  id: string;
  dispute: Stripe.Dispute;
  kind: 'withdrawal' | 'reversal';
  created: number;
}): Stripe.BalanceTransaction {
  const { dispute, kind } = input;
  const amount = kind === 'withdrawal' ? -dispute.amount : dispute.amount;
  const fee = kind === 'withdrawal' ? DISPUTE_FEE : 0;
  return {
    id: input.id,
    object: 'balance_transaction',
    amount,
    available_on: input.created,
    balance_type: 'payments',
    created: input.created,
    currency: dispute.currency,
    description: `Chargeback ${kind} for ${typeof dispute.charge === 'string' ? dispute.charge : dispute.charge.id}`,
    exchange_rate: null,
    fee,
    fee_details: fee
      ? [
          {
            amount: fee,
            application: null,
            currency: dispute.currency,
            description: 'Dispute fee',
            type: 'stripe_fee',
          },
        ]
      : [],
    net: amount - fee,
    reporting_category: kind === 'withdrawal' ? 'dispute' : 'dispute_reversal',
    source: dispute.id,
    status: 'available',
    type: 'adjustment',
  };
}

/**
 * A new dispute. An inquiry (`warning_needs_response`) asks questions before any chargeback: no
 * money moves and the charge can still be refunded, as in Stripe's own sample dispute.
 */
export function buildDispute(input: {
  id: string;
  charge: Stripe.Charge;
  reason: string;
  inquiry: boolean;
  created: number;
  dueBy: number;
}): Stripe.Dispute {
  const { charge } = input;
  const card = charge.payment_method_details?.card;
  return {
    id: input.id,
    object: 'dispute',
    amount: charge.amount,
    balance_transactions: [],
    charge: charge.id,
    created: input.created,
    currency: charge.currency,
    enhanced_eligibility_types: [],
    evidence: {
      access_activity_log: null,
      billing_address: null,
      cancellation_policy: null,
      cancellation_policy_disclosure: null,
      cancellation_rebuttal: null,
      customer_communication: null,
      customer_email_address: charge.billing_details.email,
      customer_name: charge.billing_details.name,
      customer_purchase_ip: null,
      customer_signature: null,
      duplicate_charge_documentation: null,
      duplicate_charge_explanation: null,
      duplicate_charge_id: null,
      enhanced_evidence: {},
      product_description: null,
      receipt: null,
      refund_policy: null,
      refund_policy_disclosure: null,
      refund_refusal_explanation: null,
      service_date: null,
      service_documentation: null,
      shipping_address: null,
      shipping_carrier: null,
      shipping_date: null,
      shipping_documentation: null,
      shipping_tracking_number: null,
      uncategorized_file: null,
      uncategorized_text: null,
    },
    evidence_details: {
      due_by: input.dueBy,
      enhanced_eligibility: {},
      has_evidence: false,
      past_due: false,
      submission_count: 0,
      submission_method: 'not_submitted',
    },
    intended_submission_method: null,
    is_charge_refundable: input.inquiry,
    livemode: false,
    metadata: {},
    payment_intent: charge.payment_intent,
    payment_method_details: {
      card: {
        brand: card?.brand ?? 'visa',
        case_type: input.inquiry ? 'inquiry' : 'chargeback',
        network: card?.network ?? 'visa',
        network_reason_code: '10.4',
      },
      type: 'card',
    },
    reason: input.reason,
    status: input.inquiry ? 'warning_needs_response' : 'needs_response',
  };
}
