/// <reference types="mocha" />
// A signed-in buyer's button says what its click does for them: manage the plan they hold, switch
// to another one at the price Stripe's preview gives, or buy it as anyone would.
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../widget/checkout-button.ts';
import type { CheckoutButton } from '../../widget/checkout-button.ts';
import { mainStack, newUserId, purchase, tokenFor, type StackInfo } from './support/commands.ts';
import {
  button,
  nextEvent,
  partOrNull,
  pricesShown,
  text,
  watchRequests,
} from './support/element.ts';

interface Preview {
  effective: 'now' | 'period_end';
  effectiveAt: string;
  amountDue: number;
  currency: string;
}

describe('<checkout-button> for a signed-in buyer', () => {
  let stack: StackInfo;

  before(async () => {
    stack = await mainStack();
  });

  async function subscriber(planId: string) {
    const userId = newUserId();
    await purchase(userId, planId);
    return tokenFor(userId);
  }

  async function buttonFor(plan: string, billing: string, token?: string) {
    const element = await fixture<CheckoutButton>(html`
      <checkout-button
        plan=${plan}
        billing=${billing}
        promo
        api=${stack.apiUrl}
        token=${token ?? ''}
      ></checkout-button>
    `);
    await pricesShown(element);
    return element;
  }

  /** What the server itself previews for the buyer, to compare the button with. */
  async function previewOf(token: string, plan: string, billing: string): Promise<Preview> {
    const query = new URLSearchParams({ plan, billing });
    const response = await fetch(`${stack.apiUrl}/api/subscription/change-preview?${query}`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    return (await response.json()) as Preview;
  }

  const cents = (label: string) =>
    Math.round(Number(/\$([\d,.]+)/.exec(label)![1]!.replace(/,/g, '')) * 100);
  const labelOf = (element: CheckoutButton) => text(button(element));
  const labelBecomes = (element: CheckoutButton, pattern: RegExp) =>
    waitUntil(() => pattern.test(labelOf(element)), `the label never matched ${pattern}`);

  it('says "Current plan" and offers "Manage subscription" for the plan held, without a checkout', async () => {
    const token = await subscriber('plan_basic');
    const element = await buttonFor('BASIC', 'monthly', token);
    await labelBecomes(element, /^Manage subscription$/);
    const watcher = watchRequests();

    const manage = nextEvent(element, 'checkout-manage', { preventDefault: true });
    button(element).click();
    const event = await manage;
    watcher.stop();

    expect(text(partOrNull(element, 'current'))).to.equal('Current plan');
    expect(partOrNull(element, 'input'), 'no code box for a plan already held').to.equal(null);
    expect(event.cancelable).to.equal(true);
    expect(watcher.requests.filter((r) => r.method === 'POST')).to.deep.equal([]);
    await expect(element).to.be.accessible();
  });

  it('reads "Switch to PRO · $X due today" for an upgrade, X the prorated amount Stripe previews', async () => {
    const token = await subscriber('plan_basic');
    const element = await buttonFor('PRO', 'monthly', token);

    await labelBecomes(element, /^Switch to PRO · \$[\d,.]+ due today$/);
    const preview = await previewOf(token, 'PRO', 'monthly');

    expect(preview.effective).to.equal('now');
    expect(preview.amountDue).to.be.greaterThan(0);
    // Stripe prorates to the second: the two previews may be a second apart.
    expect(Math.abs(cents(labelOf(element)) - preview.amountDue)).to.be.at.most(1);
    expect(partOrNull(element, 'current')).to.equal(null);
  });

  it('reads "Switch to BASIC on DATE" for a downgrade, dated at the end of the period', async () => {
    const token = await subscriber('plan_professional');
    const element = await buttonFor('BASIC', 'monthly', token);

    await labelBecomes(element, /^Switch to BASIC on /);
    const preview = await previewOf(token, 'BASIC', 'monthly');
    const date = new Date(preview.effectiveAt).toLocaleDateString('en', { dateStyle: 'medium' });

    expect(preview.effective).to.equal('period_end');
    expect(labelOf(element)).to.equal(`Switch to BASIC on ${date}`);
  });

  it('takes a switch to Stripe’s confirmation of exactly that change, not to a new checkout', async () => {
    const token = await subscriber('plan_basic');
    const element = await buttonFor('PRO', 'annual', token);
    await labelBecomes(element, /^Switch to PRO · /);

    const redirect = nextEvent(element, 'checkout-redirect', { preventDefault: true });
    button(element).click();
    const { detail } = await redirect;

    expect(new URL(detail.url).origin).to.equal(stack.localStripeUrl);
    expect(detail.url).to.not.match(/\/c\/pay\//);
  });

  it('sells the plan as to anyone when the buyer holds nothing, or is not signed in', async () => {
    const newcomer = await buttonFor('PRO', 'monthly', await tokenFor(newUserId()));
    const anonymous = await buttonFor('PRO', 'monthly');

    expect(labelOf(newcomer)).to.match(/^Subscribe to PRO, \$[\d,.]+\/month$/);
    expect(labelOf(anonymous)).to.equal(labelOf(newcomer));
    expect(partOrNull(newcomer, 'current')).to.equal(null);
  });
});
