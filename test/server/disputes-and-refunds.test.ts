// Lifetime access through the life of its payment on the local Stripe: disputes opened, escalated
// and closed, refunds made, partial, and failed, each through the real SDK and signed webhooks.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type Stripe from 'stripe';
import { request, startStack, type Stack } from '../support/stack.ts';
import { waitFor } from '../support/wait.ts';

describe('disputes and refunds of a lifetime purchase', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack();
  });
  after(() => stack.close());

  /** A one-time purchase, paid; its webhooks are on their way. Returns its charge. */
  async function buy(userId: string): Promise<string> {
    const created = await request(stack.apiUrl, 'POST', '/api/create-checkout-session', {
      token: await stack.tokenFor(userId),
      body: { userId, planId: 'one-time' },
    });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    assert.ok((await stack.control.completeSession(created.body.sessionId)).ok);
    const session = await stack.stripe.checkout.sessions.retrieve(created.body.sessionId, {
      expand: ['payment_intent'],
    });
    return (session.payment_intent as Stripe.PaymentIntent).latest_charge as string;
  }

  /** Every webhook sent so far has been answered 200. */
  const allDelivered = () =>
    waitFor(
      async () =>
        (await stack.control.listDeliveries()).every((d) => d.status === 'succeeded') || false,
      'every webhook delivered',
    );

  async function boughtWithAccess(userId: string): Promise<string> {
    const charge = await buy(userId);
    await waitFor(() => hasAccess(userId), 'lifetime access');
    return charge;
  }

  const hasAccess = async (userId: string) =>
    (await stack.running.storage.entitlements.get(userId))?.source === 'lifetime';
  const purchaseStatus = async (userId: string) =>
    (
      (await stack.running.storage.db
        .prepare('SELECT status FROM purchases WHERE user_id = ?')
        .get(userId)) as { status: string } | undefined
    )?.status;
  const paymentStatus = async (userId: string) =>
    (
      (await stack.running.storage.db
        .prepare("SELECT status FROM payments WHERE user_id = ? AND kind = 'one_time'")
        .get(userId)) as { status: string } | undefined
    )?.status;

  it('gives lifetime access back when a chargeback is won (charge.dispute.closed, won)', async () => {
    const charge = await boughtWithAccess('dispute-won');
    const dispute = await stack.control.disputeCharge(charge);
    await waitFor(
      async () => (await purchaseStatus('dispute-won')) === 'disputed',
      'the revocation',
    );

    await stack.control.closeDispute(dispute.id, 'won');
    await waitFor(() => hasAccess('dispute-won'), 'access given back');

    assert.equal(await purchaseStatus('dispute-won'), 'paid');
    assert.equal(await paymentStatus('dispute-won'), 'paid');
  });

  it('keeps access revoked when a chargeback is lost', async () => {
    const charge = await boughtWithAccess('dispute-lost');
    const dispute = await stack.control.disputeCharge(charge);

    await stack.control.closeDispute(dispute.id, 'lost');
    await allDelivered();

    assert.equal(await hasAccess('dispute-lost'), false);
    assert.equal(await purchaseStatus('dispute-lost'), 'disputed');
    assert.equal(await paymentStatus('dispute-lost'), 'disputed');
  });

  it('leaves access alone for an inquiry (warning_needs_response), revokes it when the inquiry escalates', async () => {
    const charge = await boughtWithAccess('inquiry');

    const inquiry = await stack.control.disputeCharge(charge, 'general', { inquiry: true });
    await allDelivered();
    const accessDuringInquiry = await hasAccess('inquiry');
    await stack.control.escalateInquiry(inquiry.id);
    await waitFor(async () => (await purchaseStatus('inquiry')) === 'disputed', 'the chargeback');

    assert.equal(inquiry.status, 'warning_needs_response');
    assert.equal(accessDuringInquiry, true);
    assert.equal(await hasAccess('inquiry'), false);
  });

  it('keeps access when an inquiry closes as warning_closed', async () => {
    const charge = await boughtWithAccess('inquiry-closed');
    const inquiry = await stack.control.disputeCharge(charge, 'general', { inquiry: true });

    await stack.control.closeDispute(inquiry.id, 'won');
    await allDelivered();

    assert.equal(await hasAccess('inquiry-closed'), true);
    assert.equal(await purchaseStatus('inquiry-closed'), 'paid');
  });

  it('keeps access through a partial refund (charge.refunded comes for those too)', async () => {
    const charge = await boughtWithAccess('partial-refund');

    await stack.stripe.refunds.create({ charge, amount: 4900 });
    await allDelivered();

    assert.equal(await hasAccess('partial-refund'), true);
    assert.equal(await purchaseStatus('partial-refund'), 'paid');
  });

  it('revokes once partial refunds add up to the whole charge', async () => {
    const charge = await boughtWithAccess('two-refunds');
    const { amount } = await stack.stripe.charges.retrieve(charge);

    await stack.stripe.refunds.create({ charge, amount: 4900 });
    await stack.stripe.refunds.create({ charge, amount: amount - 4900 });
    await waitFor(
      async () => (await purchaseStatus('two-refunds')) === 'refunded',
      'the revocation',
    );

    assert.equal(await hasAccess('two-refunds'), false);
  });

  it('revokes once a dozen refunds cover the charge, more than the charge lists itself', async () => {
    const charge = await boughtWithAccess('twelve-refunds');
    const { amount } = await stack.stripe.charges.retrieve(charge);

    // The oldest refund, the largest, falls outside the ten an expanded charge holds.
    await stack.stripe.refunds.create({ charge, amount: amount - 1100 });
    for (let i = 0; i < 11; i++) await stack.stripe.refunds.create({ charge, amount: 100 });
    await waitFor(
      async () => (await purchaseStatus('twelve-refunds')) === 'refunded',
      'the revocation',
    );

    assert.equal(await hasAccess('twelve-refunds'), false);
  });

  it('gives access back when the refund fails (refund.failed, charge.refund.updated)', async () => {
    const charge = await boughtWithAccess('refund-failed');
    const refund = await stack.stripe.refunds.create({ charge });
    await waitFor(
      async () => (await purchaseStatus('refund-failed')) === 'refunded',
      'the revocation',
    );

    await stack.control.failRefund(refund.id, 'expired_or_canceled_card');
    await waitFor(() => hasAccess('refund-failed'), 'access given back');

    assert.equal(await purchaseStatus('refund-failed'), 'paid');
    assert.equal(await paymentStatus('refund-failed'), 'paid');
  });

  it('gives access back after a refund fails on its own (test card 4000 0000 0000 5126)', async () => {
    const created = await request(stack.apiUrl, 'POST', '/api/create-checkout-session', {
      token: await stack.tokenFor('refund-card'),
      body: { userId: 'refund-card', planId: 'one-time' },
    });
    await stack.control.completeSession(created.body.sessionId, { card: '4000000000005126' });
    await waitFor(() => hasAccess('refund-card'), 'lifetime access');
    const session = await stack.stripe.checkout.sessions.retrieve(created.body.sessionId);

    const refund = await stack.stripe.refunds.create({
      payment_intent: session.payment_intent as string,
    });
    await waitFor(
      async () => (await stack.stripe.refunds.retrieve(refund.id)).status === 'failed',
      'the refund to fail',
    );
    await allDelivered();

    assert.equal(await hasAccess('refund-card'), true);
    assert.equal(await purchaseStatus('refund-card'), 'paid');
  });

  describe('delivered shuffled and duplicated', () => {
    /** Runs `act` with webhooks held, then delivers them all at once, shuffled and doubled. */
    async function shuffled(act: () => Promise<void>) {
      await stack.control.holdWebhooks(true);
      try {
        await act();
      } finally {
        await stack.control.holdWebhooks(false);
        await stack.control.deliverPending({ shuffle: true, duplicate: true });
      }
      await allDelivered();
    }

    for (const round of [1, 2, 3]) {
      it(`ends with access after a chargeback is opened and won (round ${round})`, async () => {
        const userId = `shuffled-won-${round}`;

        await shuffled(async () => {
          const dispute = await stack.control.disputeCharge(await buy(userId));
          await stack.control.closeDispute(dispute.id, 'won');
        });

        assert.equal(await hasAccess(userId), true);
        assert.equal(await purchaseStatus(userId), 'paid');
      });

      it(`ends without access after a chargeback is lost (round ${round})`, async () => {
        const userId = `shuffled-lost-${round}`;

        await shuffled(async () => {
          const dispute = await stack.control.disputeCharge(await buy(userId));
          await stack.control.closeDispute(dispute.id, 'lost');
        });

        assert.equal(await hasAccess(userId), false);
        assert.equal(await purchaseStatus(userId), 'disputed');
      });

      it(`ends with access after a refund that failed (round ${round})`, async () => {
        const userId = `shuffled-refund-${round}`;

        await shuffled(async () => {
          const refund = await stack.stripe.refunds.create({ charge: await buy(userId) });
          await stack.control.failRefund(refund.id);
        });

        assert.equal(await hasAccess(userId), true);
        assert.equal(await purchaseStatus(userId), 'paid');
      });
    }
  });
});
