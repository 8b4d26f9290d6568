import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Stripe from 'stripe';
import { priceFor, startHarness, type Harness } from './support.ts';

/** The parts of a refusal a caller can act on, as the SDK hands them over. */
async function refusal(request: Promise<unknown>) {
  const error = await request.then(
    () => assert.fail('Stripe accepted it'),
    (thrown: unknown) => thrown,
  );
  assert.ok(error instanceof Stripe.errors.StripeInvalidRequestError, String(error));
  return {
    status: error.statusCode,
    type: error.rawType,
    code: error.code,
    param: error.param,
    message: error.message,
  };
}

describe('local Stripe: what Stripe refuses, refused the same way', () => {
  let h: Harness;
  let price: Stripe.Price;
  let monthly: Stripe.Price;
  before(async () => {
    h = await startHarness();
    price = await priceFor(h.stripe, 'one-time');
    monthly = await priceFor(h.stripe, 'plan_basic');
  });
  after(() => h.close());

  const paymentSession = (extra: Record<string, unknown>) =>
    h.stripe.checkout.sessions.create({
      mode: 'payment',
      line_items: [{ price: price.id, quantity: 1 }],
      success_url: 'https://shop.example/done',
      ...extra,
    } as Stripe.Checkout.SessionCreateParams);

  it('refuses payment_method_types on Checkout Session create in the pinned API version', async () => {
    const refused = await refusal(paymentSession({ payment_method_types: ['card'] }));

    assert.equal(refused.status, 400);
    assert.equal(refused.type, 'invalid_request_error');
    assert.equal(refused.code, 'payment_method_types_no_longer_supported');
    assert.equal(refused.param, 'payment_method_types');
  });

  it('still takes payment_method_types from a request on an API version before endive', async () => {
    const session = await h.stripe.checkout.sessions.create(
      {
        mode: 'payment',
        line_items: [{ price: price.id, quantity: 1 }],
        success_url: 'https://shop.example/done',
        payment_method_types: ['card'],
      } as Stripe.Checkout.SessionCreateParams,
      { apiVersion: '2026-08-26.dahlia' },
    );

    assert.deepEqual(session.payment_method_types, ['card']);
  });

  it('refuses customer_creation in subscription mode with Stripe’s message', async () => {
    const refused = await refusal(
      h.stripe.checkout.sessions.create({
        mode: 'subscription',
        line_items: [{ price: monthly.id, quantity: 1 }],
        success_url: 'https://shop.example/done',
        customer_creation: 'always',
      }),
    );

    assert.deepEqual(refused, {
      status: 400,
      type: 'invalid_request_error',
      code: undefined,
      param: undefined,
      message: '`customer_creation` can only be used in `payment` mode.',
    });
  });

  it('refuses a client_reference_id over 200 characters, quoting its ends', async () => {
    const reference = `${'a'.repeat(100)}${'z'.repeat(101)}`;

    const refused = await refusal(paymentSession({ client_reference_id: reference }));

    assert.equal(refused.param, 'client_reference_id');
    assert.equal(
      refused.message,
      'Invalid string: aaaaaaaaaa...zzzzzzzzzz; must be at most 200 characters',
    );
  });

  it('takes a client_reference_id of exactly 200 characters', async () => {
    const session = await paymentSession({ client_reference_id: 'r'.repeat(200) });

    assert.equal(session.client_reference_id, 'r'.repeat(200));
  });

  it('refuses a metadata key over 40 characters on every endpoint that takes metadata', async () => {
    const key = 'k'.repeat(41);
    const message = `Metadata keys can have up to 40 characters, but you passed in a key that is 41 characters. Invalid key: ${key}`;
    const customer = await h.stripe.customers.create({ email: 'meta@example.com' });

    const refusals = await Promise.all([
      refusal(h.stripe.customers.create({ metadata: { [key]: 'v' } })),
      refusal(h.stripe.customers.update(customer.id, { metadata: { [key]: 'v' } })),
      refusal(h.stripe.coupons.create({ percent_off: 5, metadata: { [key]: 'v' } })),
      refusal(h.stripe.products.create({ name: 'Meta', metadata: { [key]: 'v' } })),
      refusal(paymentSession({ metadata: { [key]: 'v' } })),
    ]);
    const nested = await refusal(
      h.stripe.checkout.sessions.create({
        mode: 'subscription',
        line_items: [{ price: monthly.id, quantity: 1 }],
        success_url: 'https://shop.example/done',
        subscription_data: { metadata: { [key]: 'v' } },
      }),
    );

    for (const refused of refusals) {
      assert.deepEqual(refused, {
        status: 400,
        type: 'invalid_request_error',
        code: undefined,
        param: 'metadata',
        message,
      });
    }
    assert.equal(nested.param, 'subscription_data[metadata]');
    assert.equal(nested.message, message);
  });

  it('refuses a metadata value over 500 characters', async () => {
    const value = 'v'.repeat(501);

    const refused = await refusal(h.stripe.customers.create({ metadata: { note: value } }));

    assert.equal(refused.param, 'metadata');
    assert.equal(
      refused.message,
      `Metadata values can have up to 500 characters, but you passed in a value that is 501 characters. Invalid value: ${value}`,
    );
  });

  it('refuses more than 50 metadata keys, counting the keys an update adds to those kept', async () => {
    const many = (count: number, prefix: string) =>
      Object.fromEntries(Array.from({ length: count }, (_, i) => [`${prefix}${i}`, 'v']));
    const customer = await h.stripe.customers.create({ metadata: many(30, 'a') });

    const atOnce = await refusal(h.stripe.customers.create({ metadata: many(51, 'b') }));
    const byUpdate = await refusal(
      h.stripe.customers.update(customer.id, { metadata: many(21, 'c') }),
    );
    const untouched = await h.stripe.customers.retrieve(customer.id);

    assert.equal(atOnce.param, 'metadata');
    assert.equal(atOnce.message, "Metadata can have up to 50 keys, but you've set 51");
    assert.equal(byUpdate.message, "Metadata can have up to 50 keys, but you've set 51");
    assert.equal(Object.keys((untouched as Stripe.Customer).metadata).length, 30);
  });

  it('refuses more than 10 lookup_keys on the price list', async () => {
    const keys = Array.from({ length: 11 }, (_, i) => `key_${i}`);

    const refused = await refusal(h.stripe.prices.list({ lookup_keys: keys }));

    assert.equal(refused.param, 'lookup_keys');
    assert.equal(refused.message, 'Array lookup_keys exceeded maximum 10 allowed elements.');
  });
});
