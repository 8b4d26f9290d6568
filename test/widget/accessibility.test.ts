/// <reference types="mocha" />
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../widget/checkout-button.ts';
import type { CheckoutButton } from '../../widget/checkout-button.ts';
import { mainStack, newUserId, purchase, silentServer, tokenFor } from './support/commands.ts';
import { button, nextEvent, partOrNull, pricesShown, type } from './support/element.ts';

// axe-core audits each state a buyer can meet, through chai-a11y-axe.
describe('<checkout-button> accessibility', () => {
  let api: string;

  before(async () => {
    ({ apiUrl: api } = await mainStack());
  });

  it('passes an accessibility audit when idle, with its price and promotion code input', async () => {
    const element = await fixture<CheckoutButton>(
      html`<checkout-button plan="PRO" billing="annual" promo api=${api}></checkout-button>`,
    );
    await pricesShown(element);

    await expect(element).to.be.accessible();
  });

  it('passes an accessibility audit while the checkout is loading', async () => {
    const { url } = await silentServer();
    const element = await fixture<CheckoutButton>(
      html`<checkout-button plan="PRO" promo api=${url}></checkout-button>`,
    );

    button(element).click();
    await element.updateComplete;

    expect(button(element).getAttribute('aria-busy')).to.equal('true');
    await expect(element).to.be.accessible();
    element.remove();
  });

  it('passes an accessibility audit showing an error', async () => {
    const element = await fixture<CheckoutButton>(
      html`<checkout-button plan="PRO" api=${api}></checkout-button>`,
    );
    const failure = nextEvent(element, 'checkout-error');
    button(element).click();
    await failure;
    await element.updateComplete;

    await expect(element).to.be.accessible();
  });

  it('passes an accessibility audit showing a refused promotion code', async () => {
    const element = await fixture<CheckoutButton>(
      html`<checkout-button plan="PRO" promo api=${api}></checkout-button>`,
    );
    const verdict = nextEvent(element, 'checkout-promo');
    type(element, 'EXPIRED10');
    await verdict;
    await element.updateComplete;

    await expect(element).to.be.accessible();
  });

  it('passes an accessibility audit offering to manage the plan the buyer holds', async () => {
    const userId = newUserId();
    await purchase(userId, 'plan_basic');
    const element = await fixture<CheckoutButton>(
      html`<checkout-button
        plan="BASIC"
        api=${api}
        token=${await tokenFor(userId)}
      ></checkout-button>`,
    );
    await waitUntil(() => partOrNull(element, 'current'), 'the plan held was never shown');

    expect(button(element).textContent?.trim()).to.equal('Manage subscription');
    await expect(element).to.be.accessible();
  });
});
