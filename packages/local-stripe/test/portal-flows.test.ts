// Portal deep links (`flow_data`): refused as Stripe refuses them, a confirmation page priced as
// the change will be billed, and the change applied as the session's configuration says.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type Stripe from 'stripe';
import { priceFor, startHarness, type Harness } from './support.ts';

describe('local Stripe: plan changes through portal deep links', () => {
  let h: Harness;
  let basic: Stripe.Price;
  let basicAnnual: Stripe.Price;
  let pro: Stripe.Price;
  before(async () => {
    h = await startHarness();
    basic = await priceFor(h.stripe, 'plan_basic');
    basicAnnual = await priceFor(h.stripe, 'plan_basic_annual');
    pro = await priceFor(h.stripe, 'plan_professional');
  });
  after(() => h.close());

  async function subscriber(price: Stripe.Price) {
    const session = await h.stripe.checkout.sessions.create({
      mode: 'subscription',
      line_items: [{ price: price.id, quantity: 1 }],
      success_url: 'https://shop.example/ok',
    });
    await h.control.completeSession(session.id);
    const paid = await h.stripe.checkout.sessions.retrieve(session.id);
    return h.stripe.subscriptions.retrieve(paid.subscription as string);
  }

  const confirmFlow = (subscription: Stripe.Subscription, price: Stripe.Price) => ({
    type: 'subscription_update_confirm' as const,
    subscription_update_confirm: {
      subscription: subscription.id,
      items: [{ id: subscription.items.data[0]!.id, price: price.id, quantity: 1 }],
    },
    after_completion: {
      type: 'redirect' as const,
      redirect: { return_url: 'https://shop.example/account' },
    },
  });

  const refusal = (promise: Promise<unknown>) =>
    promise.then(
      () => assert.fail('the session was created'),
      (error: unknown) => error as Stripe.errors.StripeInvalidRequestError,
    );

  const confirm = (session: Stripe.BillingPortal.Session, price: Stripe.Price) =>
    fetch(`${session.url}/flow/confirm`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ price: price.id }),
      redirect: 'manual',
    });

  it('refuses a flow for another customer’s subscription, or a price the configuration does not offer', async () => {
    const subscription = await subscriber(basic);
    const stranger = await h.stripe.customers.create({ email: 'stranger@example.com' });
    const narrow = await h.stripe.billingPortal.configurations.create({
      features: {
        subscription_update: {
          enabled: true,
          default_allowed_updates: ['price'],
          products: [{ product: pro.product as string, prices: [pro.id] }],
        },
      },
    });

    const foreign = await refusal(
      h.stripe.billingPortal.sessions.create({
        customer: stranger.id,
        flow_data: confirmFlow(subscription, pro),
      }),
    );
    const notOffered = await refusal(
      h.stripe.billingPortal.sessions.create({
        customer: subscription.customer as string,
        configuration: narrow.id,
        flow_data: confirmFlow(subscription, basicAnnual),
      }),
    );
    const redirectWithoutUrl = await refusal(
      h.stripe.billingPortal.sessions.create({
        customer: subscription.customer as string,
        flow_data: { ...confirmFlow(subscription, pro), after_completion: { type: 'redirect' } },
      }),
    );

    assert.equal(foreign.statusCode, 400);
    assert.match(foreign.message, /does not belong to the customer/);
    assert.equal(foreign.param, 'flow_data[subscription_update_confirm][subscription]');
    assert.match(notOffered.message, /features\.subscription_update\.products/);
    assert.equal(redirectWithoutUrl.param, 'flow_data[after_completion][redirect]');
  });

  it('upgrades at once with always_invoice after the page showed the prorated amount, then redirects', async () => {
    const subscription = await subscriber(basic);
    await h.control.advanceClock(15 * 86_400);
    const session = await h.stripe.billingPortal.sessions.create({
      customer: subscription.customer as string,
      flow_data: confirmFlow(subscription, pro),
    });
    const preview = await h.stripe.invoices.createPreview({
      subscription: subscription.id,
      subscription_details: {
        items: [{ id: subscription.items.data[0]!.id, price: pro.id }],
        proration_behavior: 'always_invoice',
      },
    });

    const page = await (await fetch(session.url)).text();
    const confirmed = await confirm(session, pro);
    const again = await confirm(session, pro);
    const after = await h.stripe.subscriptions.retrieve(subscription.id);
    const invoices = (await h.stripe.invoices.list({ subscription: subscription.id })).data;

    assert.equal(session.flow?.type, 'subscription_update_confirm');
    assert.equal(
      session.flow?.after_completion.redirect?.return_url,
      'https://shop.example/account',
    );
    assert.match(page, new RegExp(`\\$${(preview.amount_due / 100).toFixed(2)}`));
    assert.equal(confirmed.status, 303);
    assert.equal(confirmed.headers.get('location'), 'https://shop.example/account');
    assert.equal(again.status, 400, 'a flow is done once');
    assert.equal(after.items.data[0]!.price.id, pro.id);
    assert.equal(invoices.length, 2);
    assert.equal(invoices[0]!.billing_reason, 'subscription_update');
    assert.equal(invoices[0]!.status, 'paid');
    assert.ok(Math.abs(invoices[0]!.amount_paid - preview.amount_due) <= 1);
  });

  it('schedules a lower amount or a shorter interval for the period end, as schedule_at_period_end says', async () => {
    const downgrade = await subscriber(pro);
    const shorter = await subscriber(basicAnnual);
    const open = (subscription: Stripe.Subscription, price: Stripe.Price) =>
      h.stripe.billingPortal.sessions.create({
        customer: subscription.customer as string,
        flow_data: confirmFlow(subscription, price),
      });

    const down = await open(downgrade, basic);
    const page = await (await fetch(down.url)).text();
    await confirm(down, basic);
    await confirm(await open(shorter, pro), pro);
    const [downAfter, shorterAfter] = await Promise.all([
      h.stripe.subscriptions.retrieve(downgrade.id),
      h.stripe.subscriptions.retrieve(shorter.id),
    ]);
    const schedule = await h.stripe.subscriptionSchedules.retrieve(downAfter.schedule as string);
    const retry = await refusal(open(downAfter, basicAnnual));

    assert.match(page, /Your plan changes on/);
    assert.equal(downAfter.items.data[0]!.price.id, pro.id, 'PRO until the period ends');
    assert.equal(shorterAfter.items.data[0]!.price.id, basicAnnual.id);
    assert.ok(shorterAfter.schedule);
    assert.deepEqual(
      schedule.phases.map((phase) => [phase.items[0]!.price, phase.start_date]),
      [
        [pro.id, downgrade.items.data[0]!.current_period_start],
        [basic.id, downgrade.items.data[0]!.current_period_end],
      ],
    );
    assert.match(retry.message, /already has a change scheduled/);

    await h.control.advanceClock(
      downgrade.items.data[0]!.current_period_end - (await h.control.now()) + 60,
    );
    const moved = await h.stripe.subscriptions.retrieve(downgrade.id);
    const [renewal] = (await h.stripe.invoices.list({ subscription: downgrade.id })).data;
    assert.equal(moved.items.data[0]!.price.id, basic.id);
    assert.equal(renewal!.amount_paid, 900);
  });

  it('saves schedule_at_period_end conditions on a configuration', async () => {
    const configuration = await h.stripe.billingPortal.configurations.create({
      features: {
        subscription_update: {
          enabled: true,
          default_allowed_updates: ['price'],
          products: [
            { product: pro.product as string, prices: [pro.id] },
            { product: basic.product as string, prices: [basic.id] },
          ],
          proration_behavior: 'always_invoice',
          schedule_at_period_end: { conditions: [{ type: 'decreasing_item_amount' }] },
        },
      },
    });

    assert.deepEqual(configuration.features.subscription_update.schedule_at_period_end, {
      conditions: [{ type: 'decreasing_item_amount' }],
    });
    assert.equal(configuration.features.subscription_update.proration_behavior, 'always_invoice');
  });
});
