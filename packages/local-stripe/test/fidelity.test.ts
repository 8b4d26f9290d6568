import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type Stripe from 'stripe';
import { compareShape, type ShapeContext } from './fidelity/compare-shape.ts';
import { loadShapes } from './fidelity/sdk-types.ts';
import { priceFor, promotionCodeFor, startHarness, type Harness } from './support.ts';

// Stripe's own sample of every resource, from its public OpenAPI repository, kept beside the repo.
const FIXTURES = new URL('./fidelity/stripe-openapi/fixtures3.json', import.meta.url);

async function all<T>(
  list: (params: {
    limit: number;
    starting_after?: string;
  }) => Promise<Stripe.ApiList<T & { id: string }>>,
) {
  const items: T[] = [];
  let startingAfter: string | undefined;
  for (;;) {
    const page = await list({
      limit: 100,
      ...(startingAfter ? { starting_after: startingAfter } : {}),
    });
    items.push(...page.data);
    if (!page.has_more) return items;
    startingAfter = page.data.at(-1)!.id;
  }
}

describe("local Stripe: every object has the shape of Stripe's own", () => {
  let h: Harness;
  let context: ShapeContext;
  const produced: unknown[] = [];

  before(async () => {
    const samples = (
      JSON.parse(readFileSync(FIXTURES, 'utf8')) as { resources: Record<string, unknown> }
    ).resources;
    context = { samples, shapes: loadShapes() };
    h = await startHarness({
      webhookEndpoints: [{ url: 'http://127.0.0.1:9/unreachable', secret: 'whsec_unused' }],
    });
    const { stripe, control } = h;

    // Everything the product does, once: sessions in each state, both modes, discounts, renewals,
    // a failed renewal, refunds, a dispute and the portal.
    const promo = await promotionCodeFor(stripe, 'LAUNCH20');
    const subscriptionSession = await stripe.checkout.sessions.create({
      mode: 'subscription',
      line_items: [{ price: (await priceFor(stripe, 'plan_professional')).id, quantity: 1 }],
      discounts: [{ promotion_code: promo.id }],
      success_url: 'https://shop.example/ok?id={CHECKOUT_SESSION_ID}',
      metadata: { userId: 'fidelity' },
      subscription_data: { metadata: { userId: 'fidelity' } },
    });
    await control.completeSession(subscriptionSession.id);
    const paymentSession = await stripe.checkout.sessions.create({
      mode: 'payment',
      line_items: [{ price: (await priceFor(stripe, 'one-time')).id, quantity: 1 }],
      customer_email: 'fidelity@example.com',
      allow_promotion_codes: true,
    });
    await control.completeSession(paymentSession.id);
    const expiring = await stripe.checkout.sessions.create({
      mode: 'payment',
      line_items: [{ price: (await priceFor(stripe, 'one-time')).id, quantity: 1 }],
    });
    await stripe.checkout.sessions.expire(expiring.id);
    await stripe.checkout.sessions.create({
      mode: 'subscription',
      line_items: [{ price: (await priceFor(stripe, 'weekly')).id, quantity: 1 }],
      allow_promotion_codes: true,
    });

    const completed = await stripe.checkout.sessions.retrieve(subscriptionSession.id);
    const customer = completed.customer as string;
    await stripe.subscriptions.update(completed.subscription as string, {
      cancel_at_period_end: true,
    });
    await stripe.subscriptions.update(completed.subscription as string, {
      cancel_at_period_end: false,
    });
    await control.advanceClock(32 * 86_400);
    await control.setCustomerCard(customer, '4000000000000341');
    await control.advanceClock(32 * 86_400);
    const paid = await stripe.checkout.sessions.retrieve(paymentSession.id);
    const refund = await stripe.refunds.create({
      payment_intent: paid.payment_intent as string,
      amount: 100,
    });
    const dispute = await control.disputeCharge(refund.charge as string);
    produced.push(await stripe.disputes.retrieve(dispute.id));
    produced.push(
      await stripe.billingPortal.sessions.create({ customer, return_url: 'https://shop.example' }),
    );
    produced.push(
      await stripe.webhookEndpoints.create({
        url: 'http://127.0.0.1:9/other',
        enabled_events: ['*'],
      }),
    );
    await stripe.coupons.create({
      amount_off: 500,
      currency: 'usd',
      duration: 'repeating',
      duration_in_months: 3,
    });

    for (const session of await all((p) => stripe.checkout.sessions.list(p))) {
      produced.push(
        await stripe.checkout.sessions.retrieve(session.id, { expand: ['line_items'] }),
      );
    }
    produced.push(
      ...(await all((p) => stripe.products.list(p))),
      ...(await all((p) => stripe.prices.list({ ...p, expand: ['data.product'] }))),
      ...(await all((p) => stripe.customers.list(p))),
      ...(await all((p) => stripe.coupons.list(p))),
      ...(await all((p) =>
        stripe.promotionCodes.list({ ...p, expand: ['data.promotion.coupon'] }),
      )),
      ...(await all((p) => stripe.subscriptions.list({ ...p, status: 'all' }))),
      ...(await all((p) => stripe.invoices.list(p))),
      ...(await all((p) => stripe.paymentIntents.list(p))),
      ...(await all((p) => stripe.charges.list(p))),
      ...(await all((p) => stripe.refunds.list(p))),
      ...(await all((p) => stripe.webhookEndpoints.list(p))),
      ...(await all((p) => stripe.events.list(p))),
    );
  });
  after(() => h.close());

  it('produced every kind of object the product relies on', () => {
    const kinds = new Set(produced.map((o) => (o as { object: string }).object));
    const events = produced.filter(
      (o) => (o as { object: string }).object === 'event',
    ) as Stripe.Event[];
    const eventObjects = new Set(events.map((e) => (e.data.object as { object: string }).object));

    for (const kind of [
      'checkout.session',
      'price',
      'product',
      'customer',
      'coupon',
      'promotion_code',
      'subscription',
      'invoice',
      'payment_intent',
      'charge',
      'refund',
      'dispute',
      'billing_portal.session',
      'webhook_endpoint',
      'event',
    ]) {
      assert.ok(kinds.has(kind), `no ${kind} was produced`);
    }
    for (const kind of [
      'checkout.session',
      'customer',
      'subscription',
      'invoice',
      'payment_intent',
      'charge',
      'refund',
      'dispute',
    ]) {
      assert.ok(eventObjects.has(kind), `no event carried a ${kind}`);
    }
  });

  it("matches Stripe's sample keys and value types, objects inside events included", () => {
    // Back to the wire form: the SDK turns decimal strings into Decimal objects on the way in.
    const wire = produced.map((object) => JSON.parse(JSON.stringify(object)) as unknown);

    const problems = wire.flatMap((object) => {
      const own = compareShape(object, context);
      const event = object as Stripe.Event;
      return event.object === 'event'
        ? [...own, ...compareShape(event.data.object, context, `${event.type}.data.object`)]
        : own;
    });

    assert.deepEqual([...new Set(problems)], []);
  });
});

describe('the shape check itself', () => {
  const samples = (
    JSON.parse(readFileSync(FIXTURES, 'utf8')) as {
      resources: Record<string, Record<string, unknown>>;
    }
  ).resources;
  let context: ShapeContext;
  before(() => {
    context = { samples, shapes: loadShapes() };
  });
  const price = () => structuredClone(samples['price']!);

  it("accepts Stripe's own sample", () => {
    assert.deepEqual(compareShape(price(), context), []);
  });

  it('reports a missing key, an unknown key, a null and a wrong type', () => {
    const missing = price();
    delete missing['currency'];

    assert.deepEqual(compareShape(missing, context), ['price.currency: missing (Stripe sends it)']);
    assert.deepEqual(compareShape({ ...price(), colour: 'red' }, context), [
      "price.colour: neither Stripe's sample nor the SDK has this key",
    ]);
    assert.deepEqual(compareShape({ ...price(), currency: null }, context), [
      'price.currency: null, but Stripe never sends null here',
    ]);
    assert.deepEqual(compareShape({ ...price(), unit_amount: '900' }, context), [
      'price.unit_amount: string where Stripe sends number',
    ]);
  });

  it('checks Stripe objects nested in others against their own sample', () => {
    const subscription = structuredClone(samples['subscription']!) as {
      items: { data: { price: Record<string, unknown> }[] };
    };
    delete subscription.items.data[0]!.price['lookup_key'];

    assert.ok(
      compareShape(subscription, context).includes(
        'subscription.items.data[0].price.lookup_key: missing (Stripe sends it)',
      ),
    );
  });
});
