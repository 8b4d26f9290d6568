import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PlansResponse, PromotionCheck } from '../../shared/index.ts';
import { startLocalStripe } from '@tilldrop/local-stripe';
import { defaultCatalog } from '../../server/services/catalog.ts';
import { createStripeClient } from '../../server/stripe/client.ts';
import { request, startStack, type Stack } from '../support/stack.ts';

describe('GET /api/plans and GET /api/promotion-codes/{code}', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack();
  });
  after(() => stack.close());

  it('lists every active plan with its Stripe price and the annual saving', async () => {
    const response = await request(stack.apiUrl, 'GET', '/api/plans');

    assert.equal(response.status, 200);
    const { plans } = PlansResponse.parse(response.body);
    assert.deepEqual(
      plans.map((p) => p.id),
      defaultCatalog.map((entry) => entry.id),
    );
    const pro = plans.find((p) => p.id === 'plan_professional_annual')!;
    assert.deepEqual(
      {
        amount: pro.amount,
        currency: pro.currency,
        interval: pro.interval,
        savingsPercent: pro.savingsPercent,
      },
      { amount: 19000, currency: 'usd', interval: 'year', savingsPercent: 17 },
    );
    assert.equal(plans.find((p) => p.id === 'one-time')!.interval, null);
    assert.equal(plans.find((p) => p.id === 'plan_basic')!.savingsPercent, null);
  });

  it('prices a valid code against the plan the buyer is looking at', async () => {
    const response = await request(
      stack.apiUrl,
      'GET',
      '/api/promotion-codes/annual50?plan=PRO&billing=annual',
    );

    const check = PromotionCheck.parse(response.body);
    assert.equal(check.valid, true);
    assert.equal(check.code, 'ANNUAL50');
    assert.deepEqual(
      [check.amountSubtotal, check.amountDiscount, check.amountTotal],
      [19000, 9500, 9500],
    );
    assert.equal(check.message, '50% off: $95.00 instead of $190.00');
  });

  it('explains a refused code with a 200 and valid false', async () => {
    const response = await request(
      stack.apiUrl,
      'GET',
      '/api/promotion-codes/ANNUAL50?plan=BASIC&billing=monthly',
    );

    const check = PromotionCheck.parse(response.body);
    assert.equal(check.valid, false);
    assert.equal(
      check.message,
      'Promotion code ANNUAL50 does not apply to this plan. It applies to annual billing only.',
    );
    assert.equal(check.amountTotal, check.amountSubtotal);
  });

  it('answers a malformed code or plan with a 400', async () => {
    const code = await request(stack.apiUrl, 'GET', '/api/promotion-codes/a!?plan=PRO');
    const plan = await request(stack.apiUrl, 'GET', '/api/promotion-codes/LAUNCH20?plan=GOLD');

    assert.equal(code.status, 400);
    assert.deepEqual(code.body, {
      error: 'Bad Request',
      message: 'A promotion code is 3 to 50 letters, digits or dashes',
      code: 'promotion_code_invalid',
    });
    assert.equal(plan.status, 400);
  });
});

/** A price made in a local Stripe database before the server starts, as a merchant makes one. */
async function priceMadeBeforeStart(stripeDatabasePath: string): Promise<string> {
  const prepared = await startLocalStripe({ databasePath: stripeDatabasePath, log: () => {} });
  try {
    const stripe = createStripeClient({
      secretKey: prepared.secretKey,
      local: prepared.clientOptions,
    });
    const pro = await stripe.prices.list({ lookup_keys: ['plan_professional'] });
    const price = await stripe.prices.create({
      product: pro.data[0]!.product as string,
      currency: 'usd',
      unit_amount: 2500,
      recurring: { interval: 'month' },
    });
    return price.id;
  } finally {
    await prepared.close();
  }
}

describe("a site owner's own plan catalog", () => {
  it('sells only what PLANS_FILE lists, at the price its own price variable names, and treats an inactive entry as not for sale', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tilldrop-plans-'));
    const file = join(dir, 'plans.json');
    const stripeDatabasePath = join(dir, 'local-stripe.sqlite');
    const priceId = await priceMadeBeforeStart(stripeDatabasePath);
    writeFileSync(
      file,
      JSON.stringify([
        {
          id: 'pro-monthly',
          plan: 'PRO',
          billing: 'monthly',
          mode: 'subscription',
          priceEnv: 'MY_PRO_PRICE',
          lookupKey: 'plan_professional',
        },
        {
          id: 'basic-monthly',
          plan: 'BASIC',
          billing: 'monthly',
          mode: 'subscription',
          priceEnv: 'MY_BASIC_PRICE',
          lookupKey: 'plan_basic',
          active: false,
        },
      ]),
    );
    const stack = await startStack({
      env: {
        PLANS_FILE: file,
        LOCAL_STRIPE_DATABASE_PATH: stripeDatabasePath,
        MY_PRO_PRICE: priceId,
      },
    });
    try {
      const token = await stack.tokenFor('owner');

      const plans = await request(stack.apiUrl, 'GET', '/api/plans');
      const inactive = await request(stack.apiUrl, 'POST', '/payment/checkout', {
        token,
        body: { planId: 'basic-monthly' },
      });
      const sold = await request(stack.apiUrl, 'POST', '/payment/checkout', {
        token,
        body: { planId: 'pro-monthly' },
      });

      assert.deepEqual(
        plans.body.plans.map((p: { id: string; amount: number }) => [p.id, p.amount]),
        [['pro-monthly', 2500]],
      );
      assert.equal(inactive.status, 404);
      assert.deepEqual(inactive.body, {
        success: false,
        message: 'Plan not found or inactive',
        code: 'plan_unavailable',
      });
      assert.equal(sold.status, 200);
      const lines = await stack.stripe.checkout.sessions.listLineItems(sold.body.data.checkoutId);
      assert.equal(lines.data[0]!.price!.id, priceId);
    } finally {
      await stack.close();
    }
  });

  it('refuses to start when a price variable of PLANS_FILE holds no price id, naming the variable', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'tilldrop-plans-')), 'plans.json');
    writeFileSync(
      file,
      JSON.stringify([
        {
          id: 'pro-monthly',
          plan: 'PRO',
          billing: 'monthly',
          mode: 'subscription',
          priceEnv: 'MY_PRO_PRICE',
          lookupKey: 'plan_professional',
        },
      ]),
    );

    await assert.rejects(
      startStack({ env: { PLANS_FILE: file, MY_PRO_PRICE: 'prod_0123456789' } }),
      /MY_PRO_PRICE: must be a Stripe price id \(price_…\)/,
    );
  });

  it('refuses to start with a malformed PLANS_FILE, naming the problem', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'tilldrop-plans-')), 'plans.json');
    writeFileSync(file, JSON.stringify([{ id: 'Bad Id', plan: 'GOLD' }]));

    await assert.rejects(
      startStack({ env: { PLANS_FILE: file } }),
      /PLANS_FILE .* is not a valid plan catalog/,
    );
  });
});
