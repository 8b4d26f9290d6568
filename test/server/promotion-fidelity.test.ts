// Promotion codes judged as Stripe judges them: a coupon's product restriction (which Stripe returns
// only when expanded) and a minimum amount in its own currency.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type Stripe from 'stripe';
import { request, startStack, type Stack } from '../support/stack.ts';

async function priceAt(stripe: Stripe, lookupKey: string): Promise<Stripe.Price> {
  const list = await stripe.prices.list({ lookup_keys: [lookupKey] });
  return list.data[0]!;
}

async function promotionCode(
  stripe: Stripe,
  code: string,
  coupon: Stripe.CouponCreateParams,
  restrictions?: Stripe.PromotionCodeCreateParams.Restrictions,
): Promise<void> {
  const created = await stripe.coupons.create({ duration: 'once', ...coupon });
  await stripe.promotionCodes.create({
    code,
    promotion: { type: 'coupon', coupon: created.id },
    ...(restrictions && { restrictions }),
  });
}

describe('a promotion code restricted to some products', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack();
    const weekly = await priceAt(stack.stripe, 'weekly');
    await promotionCode(stack.stripe, 'WEEKLYONLY', {
      percent_off: 30,
      applies_to: { products: [weekly.product as string] },
    });
  });
  after(() => stack.close());

  it('is refused with 400 for another product, before Stripe would refuse the session (no 500)', async () => {
    const response = await request(stack.apiUrl, 'POST', '/api/subscription/create-checkout', {
      token: await stack.tokenFor('pro-buyer'),
      body: { plan: 'PRO', billing: 'monthly', promotionCode: 'WEEKLYONLY' },
    });

    assert.equal(response.status, 400, JSON.stringify(response.body));
    assert.deepEqual(response.body, {
      error: 'Bad Request',
      message: 'Promotion code WEEKLYONLY does not apply to this plan.',
      code: 'promotion_code_invalid',
    });
  });

  it('is explained as not applying by the code check of the widget', async () => {
    const response = await request(
      stack.apiUrl,
      'GET',
      '/api/promotion-codes/WEEKLYONLY?plan=PRO&billing=annual',
    );

    assert.equal(response.status, 200);
    assert.equal(response.body.valid, false);
    assert.equal(response.body.message, 'Promotion code WEEKLYONLY does not apply to this plan.');
  });

  it('takes 30% off the product it names', async () => {
    const response = await request(stack.apiUrl, 'POST', '/payment/checkout', {
      token: await stack.tokenFor('weekly-buyer'),
      body: { planId: 'weekly', promotionCode: 'WEEKLYONLY' },
    });

    assert.equal(response.status, 200, JSON.stringify(response.body));
    const session = await stack.stripe.checkout.sessions.retrieve(response.body.data.checkoutId);
    assert.equal(session.amount_total, 349);
  });
});

describe("a promotion code's minimum amount, in its own currency", () => {
  let stack: Stack;
  before(async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'tilldrop-plans-')), 'plans.json');
    writeFileSync(
      file,
      JSON.stringify([
        {
          id: 'pro-usd',
          plan: 'PRO',
          billing: 'monthly',
          mode: 'subscription',
          priceEnv: 'PRO_USD_PRICE',
          lookupKey: 'plan_professional',
        },
        {
          id: 'pro-eur',
          plan: 'PRO',
          billing: 'annual',
          mode: 'subscription',
          priceEnv: 'PRO_EUR_PRICE',
          lookupKey: 'pro-eur',
          currency: 'eur',
        },
      ]),
    );
    stack = await startStack({ env: { PLANS_FILE: file } });
    // Before the first request, which loads the catalog's prices.
    const pro = await priceAt(stack.stripe, 'plan_professional');
    await stack.stripe.prices.create({
      product: pro.product as string,
      currency: 'eur',
      unit_amount: 1900,
      recurring: { interval: 'year' },
      lookup_key: 'pro-eur',
    });
    await promotionCode(
      stack.stripe,
      'OVER5USD',
      { percent_off: 10 },
      {
        minimum_amount: 500,
        minimum_amount_currency: 'usd',
      },
    );
    await promotionCode(
      stack.stripe,
      'OVER20USD',
      { percent_off: 10 },
      {
        minimum_amount: 2000,
        minimum_amount_currency: 'usd',
      },
    );
  });
  after(() => stack.close());

  const checkout = async (userId: string, planId: string, promotionCode: string) =>
    request(stack.apiUrl, 'POST', '/payment/checkout', {
      token: await stack.tokenFor(userId),
      body: { planId, promotionCode },
    });

  it('does not apply a code with a USD minimum to a EUR price, as Stripe refuses it', async () => {
    const response = await checkout('euro-buyer', 'pro-eur', 'OVER5USD');

    assert.equal(response.status, 400, JSON.stringify(response.body));
    assert.deepEqual(response.body, {
      success: false,
      message: 'Promotion code OVER5USD does not apply to prices in EUR',
      code: 'promotion_code_invalid',
    });
  });

  it('compares the minimum with a price in its currency', async () => {
    const over = await checkout('dollar-buyer', 'pro-usd', 'OVER5USD');
    const under = await checkout('dollar-buyer-2', 'pro-usd', 'OVER20USD');

    assert.equal(over.status, 200, JSON.stringify(over.body));
    assert.equal(under.status, 400);
    assert.equal(under.body.message, 'Promotion code OVER20USD needs an order of at least $20.00');
  });
});
