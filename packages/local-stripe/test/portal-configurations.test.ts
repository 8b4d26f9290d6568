import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import Stripe from 'stripe';
import { createPortalFlow } from '../src/flows/portal-flow.ts';
import { compareShape } from './fidelity/compare-shape.ts';
import { loadShapes } from './fidelity/sdk-types.ts';
import { priceFor, startHarness, type Harness } from './support.ts';

const FIXTURES = new URL('./fidelity/stripe-openapi/fixtures3.json', import.meta.url);

const NO_DEFAULT =
  'No configuration provided and your test mode default configuration has not been created. ' +
  'Provide a configuration or create your default by saving your customer portal settings in ' +
  'test mode at https://dashboard.stripe.com/test/settings/billing/portal.';

const PRODUCTS = 'features.subscription_update.products';

/** A customer with a paid monthly Basic subscription. */
async function subscriber(h: Harness): Promise<{ customer: string; subscription: string }> {
  const session = await h.stripe.checkout.sessions.create({
    mode: 'subscription',
    line_items: [{ price: (await priceFor(h.stripe, 'plan_basic')).id, quantity: 1 }],
    success_url: 'https://shop.example/ok',
  });
  await h.control.completeSession(session.id);
  const paid = await h.stripe.checkout.sessions.retrieve(session.id);
  return { customer: paid.customer as string, subscription: paid.subscription as string };
}

describe('local Stripe: a new account has no portal settings', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ seed: { portalConfiguration: false } });
  });
  after(() => h.close());

  it("refuses a portal session with no configuration, in Stripe's words, until one is given", async () => {
    const customer = await h.stripe.customers.create({ email: 'new@example.com' });

    const refused = await h.stripe.billingPortal.sessions.create({ customer: customer.id }).then(
      () => assert.fail('the session was created'),
      (error: unknown) => error,
    );
    const configuration = await h.stripe.billingPortal.configurations.create({
      features: { invoice_history: { enabled: true } },
    });
    const session = await h.stripe.billingPortal.sessions.create({
      customer: customer.id,
      configuration: configuration.id,
    });

    assert.ok(refused instanceof Stripe.errors.StripeInvalidRequestError);
    assert.equal(refused.statusCode, 400);
    assert.equal(refused.message, NO_DEFAULT);
    assert.equal(configuration.is_default, false);
    assert.equal(session.configuration, configuration.id);
    assert.deepEqual(
      (await h.stripe.billingPortal.configurations.list({ is_default: true })).data,
      [],
    );
  });

  it('refuses a session naming an unknown or inactive configuration', async () => {
    const customer = await h.stripe.customers.create({ email: 'inactive@example.com' });
    const configuration = await h.stripe.billingPortal.configurations.create({
      features: { invoice_history: { enabled: true } },
    });
    await h.stripe.billingPortal.configurations.update(configuration.id, { active: false });

    for (const id of ['bpc_missing', configuration.id]) {
      await assert.rejects(
        h.stripe.billingPortal.sessions.create({ customer: customer.id, configuration: id }),
        (error: Stripe.errors.StripeError) =>
          error.statusCode === 400 && error.param === 'configuration',
      );
    }
  });
});

describe('local Stripe: billing portal configurations', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  it('opens portal sessions with the default configuration the seed saved', async () => {
    const customer = await h.stripe.customers.create({ email: 'default@example.com' });

    const session = await h.stripe.billingPortal.sessions.create({ customer: customer.id });
    const defaults = await h.stripe.billingPortal.configurations.list({ is_default: true });

    assert.equal(defaults.data.length, 1);
    assert.equal(session.configuration, defaults.data[0]!.id);
    assert.equal(defaults.data[0]!.features.subscription_cancel.enabled, true);
  });

  it('shows subscription_update.products only when expanded, as Stripe includes it', async () => {
    const basic = await priceFor(h.stripe, 'plan_basic');
    const annual = await priceFor(h.stripe, 'plan_basic_annual');
    const created = await h.stripe.billingPortal.configurations.create({
      features: {
        subscription_update: {
          enabled: true,
          default_allowed_updates: ['price'],
          products: [{ product: basic.product as string, prices: [basic.id, annual.id] }],
        },
      },
    });

    const plain = await h.stripe.billingPortal.configurations.retrieve(created.id);
    const expanded = await h.stripe.billingPortal.configurations.retrieve(created.id, {
      expand: [PRODUCTS],
    });
    const listed = await h.stripe.billingPortal.configurations.list({
      expand: [`data.${PRODUCTS}`],
    });

    assert.equal('products' in plain.features.subscription_update, false);
    assert.deepEqual(
      expanded.features.subscription_update.products?.map((p) => [p.product, p.prices]),
      [[basic.product, [basic.id, annual.id]]],
    );
    assert.deepEqual(
      listed.data.find((c) => c.id === created.id)?.features.subscription_update.products,
      expanded.features.subscription_update.products,
    );
  });

  it('updates only what a request names and records billing_portal.configuration.updated', async () => {
    const created = await h.stripe.billingPortal.configurations.create({
      features: {
        invoice_history: { enabled: true },
        subscription_cancel: { enabled: true, mode: 'at_period_end' },
      },
      default_return_url: 'https://shop.example/account',
    });

    const updated = await h.stripe.billingPortal.configurations.update(created.id, {
      features: { subscription_cancel: { mode: 'immediately' } },
      business_profile: { headline: 'Shop billing' },
    });
    const events = await h.stripe.events.list({ type: 'billing_portal.configuration.updated' });

    assert.equal(updated.features.subscription_cancel.mode, 'immediately');
    assert.equal(updated.features.subscription_cancel.enabled, true);
    assert.equal(updated.features.invoice_history.enabled, true);
    assert.equal(updated.default_return_url, 'https://shop.example/account');
    assert.equal(updated.business_profile.headline, 'Shop billing');
    const event = events.data.find((e) => (e.data.object as { id: string }).id === created.id);
    assert.ok(event?.data.previous_attributes && 'features' in event.data.previous_attributes);
  });

  it('refuses features Stripe refuses, and writes nothing', async () => {
    const basic = await priceFor(h.stripe, 'plan_basic');
    const weekly = await priceFor(h.stripe, 'weekly');
    const before = (await h.stripe.billingPortal.configurations.list({ limit: 100 })).data.length;
    const attempts: Stripe.BillingPortal.ConfigurationCreateParams.Features[] = [
      { subscription_cancel: { enabled: true, proration_behavior: 'always_invoice' } },
      { subscription_cancel: { enabled: true, proration_behavior: 'create_prorations' } },
      {
        subscription_update: { enabled: true, products: [{ product: 'prod_missing', prices: [] }] },
      },
      {
        subscription_update: {
          enabled: true,
          products: [{ product: basic.product as string, prices: [weekly.id] }],
        },
      },
    ];

    for (const features of attempts) {
      await assert.rejects(h.stripe.billingPortal.configurations.create({ features }), {
        statusCode: 400,
      });
    }
    await assert.rejects(
      h.stripe.billingPortal.configurations.create({
        // @ts-expect-error `enabled` is required on create, which is what this checks.
        features: { subscription_update: { default_allowed_updates: ['price'] } },
      }),
      { statusCode: 400, param: 'features[subscription_update][enabled]' },
    );

    const after = (await h.stripe.billingPortal.configurations.list({ limit: 100 })).data.length;
    assert.equal(after, before);
  });

  it("has the keys and value types of Stripe's own configuration", async () => {
    const samples = (
      JSON.parse(readFileSync(FIXTURES, 'utf8')) as { resources: Record<string, unknown> }
    ).resources;
    const created = await h.stripe.billingPortal.configurations.create({
      features: { invoice_history: { enabled: true } },
    });

    const problems = compareShape(JSON.parse(JSON.stringify(created)), {
      samples,
      shapes: loadShapes(),
    });

    assert.deepEqual(problems, []);
  });

  it('hides cancelling and invoices the configuration turns off, and refuses a posted cancel', async () => {
    const { customer, subscription } = await subscriber(h);
    const configuration = await h.stripe.billingPortal.configurations.create({
      features: { invoice_history: { enabled: false }, subscription_cancel: { enabled: false } },
    });
    const session = await h.stripe.billingPortal.sessions.create({
      customer,
      configuration: configuration.id,
    });

    const page = await (await fetch(session.url)).text();
    const posted = createPortalFlow(h.core).cancelAtPeriodEnd(session.id, subscription);

    assert.match(page, /Basic/);
    assert.doesNotMatch(page, /Cancel plan/);
    assert.doesNotMatch(page, /Invoice history/);
    assert.deepEqual(posted, { message: 'Plans cannot be cancelled here.' });
    assert.equal((await h.stripe.subscriptions.retrieve(subscription)).cancel_at_period_end, false);
  });

  it('cancels at once when the configuration cancels immediately', async () => {
    const { customer, subscription } = await subscriber(h);
    const configuration = await h.stripe.billingPortal.configurations.create({
      features: { subscription_cancel: { enabled: true, mode: 'immediately' } },
    });
    const session = await h.stripe.billingPortal.sessions.create({
      customer,
      configuration: configuration.id,
    });

    const page = await (await fetch(session.url)).text();
    createPortalFlow(h.core).cancelAtPeriodEnd(session.id, subscription);

    assert.match(page, /Cancel plan/);
    assert.equal((await h.stripe.subscriptions.retrieve(subscription)).status, 'canceled');
  });
});
