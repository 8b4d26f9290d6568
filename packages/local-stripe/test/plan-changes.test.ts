import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import Stripe from 'stripe';
import { compareShape, type ShapeContext } from './fidelity/compare-shape.ts';
import { loadShapes } from './fidelity/sdk-types.ts';
import { priceFor, startHarnessWithReceiver, type Harness } from './support.ts';
import type { WebhookReceiver } from './webhook-receiver.ts';

const DAY = 86_400;
const FIXTURES = new URL('./fidelity/stripe-openapi/fixtures3.json', import.meta.url);

/** What Stripe charges or credits for the part of a period left after `at`, to the second. */
function prorated(amount: number, start: number, end: number, at: number): number {
  return Math.round((amount * (end - at)) / (end - start));
}

describe('local Stripe: plan changes with prorations and invoice previews', () => {
  let h: Harness;
  let hook: WebhookReceiver;
  let shapes: ShapeContext;
  let basic: Stripe.Price;
  let pro: Stripe.Price;
  let basicAnnual: Stripe.Price;
  before(async () => {
    ({ h, hook } = await startHarnessWithReceiver());
    const samples = (
      JSON.parse(readFileSync(FIXTURES, 'utf8')) as { resources: Record<string, unknown> }
    ).resources;
    shapes = { samples, shapes: loadShapes() };
    basic = await priceFor(h.stripe, 'plan_basic');
    pro = await priceFor(h.stripe, 'plan_professional');
    basicAnnual = await priceFor(h.stripe, 'plan_basic_annual');
  });
  after(() => h.close());

  async function subscribe(email: string, price = basic): Promise<Stripe.Subscription> {
    const session = await h.stripe.checkout.sessions.create({
      mode: 'subscription',
      line_items: [{ price: price.id, quantity: 1 }],
      customer_email: email,
      success_url: 'https://shop.example/done',
    });
    await h.control.completeSession(session.id);
    const completed = await h.stripe.checkout.sessions.retrieve(session.id);
    return h.stripe.subscriptions.retrieve(completed.subscription as string);
  }

  const about = (id: string) => (e: Stripe.Event) =>
    (e.data.object as { id: string; subscription?: unknown }).id === id ||
    (e.data.object as { parent?: { subscription_details?: { subscription?: string } } }).parent
      ?.subscription_details?.subscription === id;

  function eventsAbout(id: string, since: string): Stripe.Event[] {
    const all = h.core.store.events.all().reverse();
    return all.slice(all.findIndex((e) => e.id === since) + 1).filter(about(id));
  }

  const lastEvent = () => h.core.store.events.all()[0]!.id;

  it('an upgrade leaves a credit and a charge, to the second, for the next invoice', async () => {
    const subscription = await subscribe('upgrade@example.com');
    const item = subscription.items.data[0]!;
    await h.control.advanceClock(10 * DAY);
    const at = await h.control.now();
    const mark = lastEvent();

    const updated = await h.stripe.subscriptions.update(subscription.id, {
      items: [{ id: item.id, price: pro.id }],
      proration_date: at,
    });
    await hook.waitFor('customer.subscription.updated', about(subscription.id));
    const pending = await h.stripe.invoiceItems.list({
      customer: subscription.customer as string,
      pending: true,
    });
    const { current_period_start: start, current_period_end: end } = item;

    assert.equal(updated.items.data[0]!.price.id, pro.id);
    assert.equal(updated.items.data[0]!.current_period_end, end, 'the billing date stays');
    assert.deepEqual(
      pending.data.map((i) => [i.amount, i.proration, i.period.start, i.period.end]).sort(),
      [
        [-prorated(900, start, end, at), true, at, end],
        [prorated(1900, start, end, at), true, at, end],
      ].sort(),
    );
    assert.deepEqual(pending.data.map((i) => i.description).sort(), [
      `Remaining time on Pro after ${stamp(at)}`,
      `Unused time on Basic after ${stamp(at)}`,
    ]);
    const events = eventsAbout(subscription.id, mark);
    assert.deepEqual(
      events.map((e) => e.type),
      ['invoiceitem.created', 'invoiceitem.created', 'customer.subscription.updated'],
    );
    const previous = events[2]!.data.previous_attributes as Partial<Stripe.Subscription>;
    assert.equal(previous.items!.data[0]!.price.id, basic.id);
    assert.deepEqual(
      pending.data.flatMap((i) => compareShape(JSON.parse(JSON.stringify(i)), shapes)),
      [],
    );

    await h.control.advanceClock(end - at + 60);
    const [renewal] = (await h.stripe.invoices.list({ subscription: subscription.id })).data;
    const prorations = renewal!.lines.data.filter(
      (l) => l.parent?.subscription_item_details?.proration,
    );
    assert.equal(renewal!.billing_reason, 'subscription_cycle');
    assert.equal(prorations.length, 2);
    assert.equal(
      renewal!.amount_paid,
      1900 - prorated(900, start, end, at) + prorated(1900, start, end, at),
    );
    assert.equal(
      (
        await h.stripe.invoiceItems.list({
          customer: subscription.customer as string,
          pending: true,
        })
      ).data.length,
      0,
    );
  });

  it('always_invoice creates, finalizes and pays the proration invoice at once', async () => {
    const subscription = await subscribe('always@example.com');
    const item = subscription.items.data[0]!;
    await h.control.advanceClock(15 * DAY);
    const at = await h.control.now();
    const mark = lastEvent();

    const updated = await h.stripe.subscriptions.update(subscription.id, {
      items: [{ id: item.id, price: pro.id }],
      proration_behavior: 'always_invoice',
      proration_date: at,
      expand: ['latest_invoice'],
    });
    await hook.waitFor('invoice.paid', about(subscription.id));
    const invoice = updated.latest_invoice as Stripe.Invoice;
    const { current_period_start: start, current_period_end: end } = item;

    assert.equal(updated.status, 'active');
    assert.equal(invoice.billing_reason, 'subscription_update');
    assert.equal(invoice.status, 'paid');
    assert.equal(
      invoice.amount_paid,
      prorated(1900, start, end, at) - prorated(900, start, end, at),
    );
    assert.ok(invoice.lines.data.every((l) => l.parent?.subscription_item_details?.proration));
    assert.deepEqual(
      eventsAbout(subscription.id, mark)
        .map((e) => e.type)
        .filter((t) => t.startsWith('invoice.')),
      ['invoice.created', 'invoice.finalized', 'invoice.paid', 'invoice.payment_succeeded'],
    );
    assert.deepEqual(compareShape(JSON.parse(JSON.stringify(invoice)), shapes), []);
  });

  it('proration_behavior none changes the price and bills nothing until the period ends', async () => {
    const subscription = await subscribe('none@example.com');
    const item = subscription.items.data[0]!;

    await h.stripe.subscriptions.update(subscription.id, {
      items: [{ id: item.id, price: pro.id }],
      proration_behavior: 'none',
    });
    const pending = await h.stripe.invoiceItems.list({
      customer: subscription.customer as string,
      pending: true,
    });

    assert.equal(pending.data.length, 0);
    assert.equal((await h.stripe.invoices.list({ subscription: subscription.id })).data.length, 1);
  });

  it('monthly to annual restarts the billing period now and charges the year at once', async () => {
    const subscription = await subscribe('annual@example.com');
    const item = subscription.items.data[0]!;
    await h.control.advanceClock(20 * DAY);
    const at = await h.control.now();

    const updated = await h.stripe.subscriptions.update(subscription.id, {
      items: [{ id: item.id, price: basicAnnual.id }],
      proration_date: at,
      expand: ['latest_invoice'],
    });
    const invoice = updated.latest_invoice as Stripe.Invoice;
    const moved = updated.items.data[0]!;
    const credit = -prorated(900, item.current_period_start, item.current_period_end, at);

    assert.equal(updated.billing_cycle_anchor, at);
    assert.equal(moved.current_period_start, at);
    assert.equal(
      new Date(moved.current_period_end * 1000).getUTCFullYear(),
      new Date(at * 1000).getUTCFullYear() + 1,
    );
    assert.equal(invoice.status, 'paid');
    assert.deepEqual(
      invoice.lines.data.map((l) => [l.amount, l.parent?.subscription_item_details?.proration]),
      [
        [credit, true],
        [9000, false],
      ],
    );
    assert.equal(invoice.amount_paid, 9000 + credit);
  });

  it('a declined upgrade is applied and past_due by default, refused with error_if_incomplete, pending with pending_if_incomplete', async () => {
    const applied = await subscribe('declined-default@example.com');
    const refused = await subscribe('declined-error@example.com');
    const pending = await subscribe('declined-pending@example.com');
    for (const s of [applied, refused, pending]) {
      await h.control.setCustomerCard(s.customer as string, '4000000000000341');
    }
    const upgrade = (
      s: Stripe.Subscription,
      payment_behavior?: 'error_if_incomplete' | 'pending_if_incomplete',
    ) =>
      h.stripe.subscriptions.update(s.id, {
        items: [{ id: s.items.data[0]!.id, price: pro.id }],
        proration_behavior: 'always_invoice',
        ...(payment_behavior ? { payment_behavior } : {}),
        expand: ['latest_invoice'],
      });

    const pastDue = await upgrade(applied);
    const error = await upgrade(refused, 'error_if_incomplete').catch((e: unknown) => e);
    const kept = await upgrade(pending, 'pending_if_incomplete');
    const refusedAfter = await h.stripe.subscriptions.retrieve(refused.id);

    assert.equal(pastDue.status, 'past_due');
    assert.equal(pastDue.items.data[0]!.price.id, pro.id);
    assert.equal((pastDue.latest_invoice as Stripe.Invoice).status, 'open');
    assert.ok(error instanceof Stripe.errors.StripeCardError);
    assert.equal(error.statusCode, 402);
    assert.equal(error.code, 'card_declined');
    assert.equal(refusedAfter.items.data[0]!.price.id, basic.id);
    assert.equal(refusedAfter.latest_invoice, refused.latest_invoice);
    assert.equal(kept.status, 'active');
    assert.equal(kept.items.data[0]!.price.id, basic.id);
    assert.equal(kept.pending_update?.subscription_items?.[0]!.price.id, pro.id);
    assert.equal((kept.latest_invoice as Stripe.Invoice).status, 'open');
  });

  it('an unpaid pending update expires after 23 hours with pending_update_expired', async () => {
    const subscription = await subscribe('pending-expiry@example.com');
    await h.control.setCustomerCard(subscription.customer as string, '4000000000000341');
    await h.stripe.subscriptions.update(subscription.id, {
      items: [{ id: subscription.items.data[0]!.id, price: pro.id }],
      proration_behavior: 'always_invoice',
      payment_behavior: 'pending_if_incomplete',
    });

    await h.control.advanceClock(23 * 3600 + 60);
    const expired = await h.stripe.subscriptions.retrieve(subscription.id);
    await hook.waitFor('customer.subscription.pending_update_expired', about(subscription.id));

    assert.equal(expired.pending_update, null);
    assert.equal(expired.items.data[0]!.price.id, basic.id);
  });

  it('a proration date outside the current period is refused', async () => {
    const subscription = await subscribe('bad-date@example.com');
    const error = await h.stripe.subscriptions
      .update(subscription.id, {
        items: [{ id: subscription.items.data[0]!.id, price: pro.id }],
        proration_date: subscription.items.data[0]!.current_period_start - DAY,
      })
      .catch((e: unknown) => e);

    assert.ok(error instanceof Stripe.errors.StripeInvalidRequestError);
    assert.equal(error.param, 'proration_date');
  });

  it('previews the next invoice of an upgrade exactly as it is then issued, saving nothing', async () => {
    const subscription = await subscribe('preview@example.com');
    const item = subscription.items.data[0]!;
    await h.control.advanceClock(7 * DAY);
    const at = await h.control.now();
    const eventsBefore = h.core.store.events.all().length;

    const preview = await h.stripe.invoices.createPreview({
      customer: subscription.customer as string,
      subscription: subscription.id,
      subscription_details: { items: [{ id: item.id, price: pro.id }], proration_date: at },
    });

    assert.match(preview.id, /^upcoming_in_/);
    assert.equal(preview.billing_reason, 'upcoming');
    assert.equal(preview.period_end, item.current_period_end);
    assert.equal(preview.next_payment_attempt, item.current_period_end + 3600);
    assert.equal(preview.parent?.subscription_details?.subscription_proration_date, at);
    assert.equal(h.core.store.events.all().length, eventsBefore, 'no event, nothing saved');
    assert.equal((await h.stripe.invoices.list({ subscription: subscription.id })).data.length, 1);
    assert.deepEqual(compareShape(JSON.parse(JSON.stringify(preview)), shapes), []);

    await h.stripe.subscriptions.update(subscription.id, {
      items: [{ id: item.id, price: pro.id }],
      proration_date: at,
    });
    await h.control.advanceClock(item.current_period_end - at + 60);
    const [issued] = (await h.stripe.invoices.list({ subscription: subscription.id })).data;

    assert.equal(issued!.amount_due, preview.amount_due);
    assert.deepEqual(
      issued!.lines.data.map((l) => [l.amount, l.description, l.period]),
      preview.lines.data.map((l) => [l.amount, l.description, l.period]),
    );
  });

  it('previews an always_invoice change as the invoice it issues at once', async () => {
    const subscription = await subscribe('preview-now@example.com');
    const item = subscription.items.data[0]!;
    await h.control.advanceClock(3 * DAY);
    const at = await h.control.now();
    const details = {
      items: [{ id: item.id, price: pro.id }],
      proration_behavior: 'always_invoice' as const,
      proration_date: at,
    };

    const preview = await h.stripe.invoices.createPreview({
      subscription: subscription.id,
      subscription_details: details,
    });
    const updated = await h.stripe.subscriptions.update(subscription.id, {
      ...details,
      expand: ['latest_invoice'],
    });

    assert.equal(preview.billing_reason, 'subscription_update');
    assert.equal(preview.amount_due, (updated.latest_invoice as Stripe.Invoice).amount_paid);
  });
});

/** "16 May 2018", as proration descriptions date the change. */
function stamp(at: number): string {
  const date = new Date(at * 1000);
  const month = date.toLocaleString('en-US', { month: 'short', timeZone: 'UTC' });
  return `${String(date.getUTCDate()).padStart(2, '0')} ${month} ${date.getUTCFullYear()}`;
}
