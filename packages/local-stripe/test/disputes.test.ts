import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type Stripe from 'stripe';
import { priceFor, startHarnessWithReceiver, type Harness } from './support.ts';
import type { WebhookReceiver } from './webhook-receiver.ts';

describe('local Stripe: disputes from opening to outcome', () => {
  let h: Harness;
  let hook: WebhookReceiver;
  before(async () => {
    ({ h, hook } = await startHarnessWithReceiver());
  });
  after(() => h.close());

  /** A paid one-time purchase; returns its charge. */
  async function purchase(email: string, card?: string): Promise<Stripe.Charge> {
    const price = await priceFor(h.stripe, 'one-time');
    const session = await h.stripe.checkout.sessions.create({
      mode: 'payment',
      line_items: [{ price: price.id, quantity: 1 }],
      customer_email: email,
    });
    await h.control.completeSession(session.id, card ? { card } : {});
    const paid = await h.stripe.checkout.sessions.retrieve(session.id, {
      expand: ['payment_intent.latest_charge'],
    });
    return (paid.payment_intent as Stripe.PaymentIntent).latest_charge as Stripe.Charge;
  }

  /** Every event recorded so far about this object, oldest first. */
  function eventsAbout(id: string): Stripe.Event[] {
    return h.core.store.events
      .all()
      .filter((e) => (e.data.object as { id?: string }).id === id)
      .reverse();
  }

  const about = (id: string) => (e: Stripe.Event) => (e.data.object as { id: string }).id === id;
  const disputeOf = (chargeId: string) => (e: Stripe.Event) =>
    (e.data.object as Stripe.Dispute).charge === chargeId;

  it('opens a chargeback after the payment when paid with the fraudulent-dispute test card', async () => {
    const charge = await purchase('fraud-card@example.com', '4000000000000259');

    const created = await hook.waitFor('charge.dispute.created', disputeOf(charge.id));
    const dispute = created.data.object as Stripe.Dispute;
    await hook.waitFor('charge.dispute.funds_withdrawn', about(dispute.id));
    const stored = await h.stripe.disputes.retrieve(dispute.id);
    const types = h.core.store.events
      .all()
      .reverse()
      .map((e) => e.type);

    assert.equal(dispute.status, 'needs_response');
    assert.equal(dispute.reason, 'fraudulent');
    assert.equal(dispute.payment_method_details?.card?.case_type, 'chargeback');
    assert.equal(dispute.is_charge_refundable, false);
    assert.deepEqual(
      stored.balance_transactions.map((t) => [t.amount, t.fee, t.reporting_category]),
      [[-charge.amount, 1500, 'dispute']],
    );
    assert.ok(
      types.lastIndexOf('checkout.session.completed') < types.indexOf('charge.dispute.created'),
      'the dispute arrives after the purchase',
    );
    assert.equal((await h.stripe.charges.retrieve(charge.id)).disputed, true);
  });

  it('opens an inquiry that moves no money with the inquiry test card, and closes it as warning_closed', async () => {
    const charge = await purchase('inquiry-card@example.com', '4000000000001976');
    const created = await hook.waitFor('charge.dispute.created', disputeOf(charge.id));
    const inquiry = created.data.object as Stripe.Dispute;

    const closed = await h.control.closeDispute(inquiry.id, 'won');
    await hook.waitFor('charge.dispute.closed', about(inquiry.id));
    const events = eventsAbout(inquiry.id);
    const updated = events.find((e) => e.type === 'charge.dispute.updated')!;

    assert.equal(inquiry.status, 'warning_needs_response');
    assert.equal(inquiry.payment_method_details?.card?.case_type, 'inquiry');
    assert.equal(inquiry.is_charge_refundable, true);
    assert.deepEqual(inquiry.balance_transactions, []);
    assert.deepEqual(
      events.map((e) => e.type),
      ['charge.dispute.created', 'charge.dispute.updated', 'charge.dispute.closed'],
    );
    assert.equal((updated.data.object as Stripe.Dispute).status, 'warning_under_review');
    assert.equal(
      (updated.data.previous_attributes as Partial<Stripe.Dispute>).status,
      'warning_needs_response',
    );
    assert.equal(closed.status, 'warning_closed');
    assert.deepEqual(closed.balance_transactions, []);
  });

  it('closes a won chargeback with updated, funds_reinstated, then closed', async () => {
    const charge = await purchase('won@example.com');
    const opened = await h.control.disputeCharge(charge.id, 'product_not_received');

    const won = await h.control.closeDispute(opened.id, 'won');
    await hook.waitFor('charge.dispute.closed', about(opened.id));
    const events = eventsAbout(opened.id);
    const closedEvent = events.at(-1)!;

    assert.deepEqual(
      events.map((e) => e.type),
      [
        'charge.dispute.created',
        'charge.dispute.funds_withdrawn',
        'charge.dispute.updated',
        'charge.dispute.funds_reinstated',
        'charge.dispute.closed',
      ],
    );
    assert.equal(
      (events[2]!.data.previous_attributes as Partial<Stripe.Dispute>).status,
      'needs_response',
    );
    assert.equal(won.status, 'won');
    assert.equal(won.evidence.uncategorized_text, 'winning_evidence');
    assert.equal(won.evidence_details.submission_count, 1);
    assert.deepEqual(
      won.balance_transactions.map((t) => [t.amount, t.fee, t.reporting_category]),
      [
        [-charge.amount, 1500, 'dispute'],
        [charge.amount, 0, 'dispute_reversal'],
      ],
    );
    assert.equal((closedEvent.data.object as Stripe.Dispute).status, 'won');
    assert.equal((await h.stripe.disputes.retrieve(opened.id)).status, 'won');
  });

  it('closes a lost chargeback without giving the funds back', async () => {
    const charge = await purchase('lost@example.com');
    const opened = await h.control.disputeCharge(charge.id);

    const lost = await h.control.closeDispute(opened.id, 'lost');
    await hook.waitFor('charge.dispute.closed', about(opened.id));

    assert.deepEqual(
      eventsAbout(opened.id).map((e) => e.type),
      [
        'charge.dispute.created',
        'charge.dispute.funds_withdrawn',
        'charge.dispute.updated',
        'charge.dispute.closed',
      ],
    );
    assert.equal(lost.status, 'lost');
    assert.equal(lost.balance_transactions.length, 1);
  });

  it('opens an inquiry through the control API and escalates it to a chargeback', async () => {
    const charge = await purchase('escalate@example.com');
    const inquiry = await h.control.disputeCharge(charge.id, 'general', { inquiry: true });

    const chargeback = await h.control.escalateInquiry(inquiry.id);
    await hook.waitFor('charge.dispute.funds_withdrawn', about(inquiry.id));

    assert.equal(inquiry.status, 'warning_needs_response');
    assert.equal(chargeback.status, 'needs_response');
    assert.equal(chargeback.payment_method_details?.card?.case_type, 'chargeback');
    assert.equal(chargeback.is_charge_refundable, false);
    assert.equal(chargeback.balance_transactions[0]!.amount, -charge.amount);
  });

  it('refuses to close a closed dispute or to lose an inquiry, changing nothing', async () => {
    const charge = await purchase('refused@example.com');
    const closed = await h.control.closeDispute(
      (await h.control.disputeCharge(charge.id)).id,
      'lost',
    );
    const other = await purchase('refused-inquiry@example.com');
    const inquiry = await h.control.disputeCharge(other.id, 'general', { inquiry: true });

    const again = await h.control.closeDispute(closed.id, 'won').catch((e: Error) => e);
    const lostInquiry = await h.control.closeDispute(inquiry.id, 'lost').catch((e: Error) => e);

    assert.match(String(again), /answered 400: .*This dispute is already closed/);
    assert.match(String(lostInquiry), /answered 400: .*An inquiry is not lost/);
    assert.equal((await h.stripe.disputes.retrieve(closed.id)).status, 'lost');
    assert.equal((await h.stripe.disputes.retrieve(inquiry.id)).status, 'warning_needs_response');
  });
});
