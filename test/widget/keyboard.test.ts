/// <reference types="mocha" />
import { expect, fixture, html } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../widget/checkout-button.ts';
import type { CheckoutButton } from '../../widget/checkout-button.ts';
import { mainStack, newUserId, tokenFor } from './support/commands.ts';
import { button, input, nextEvent, pricesShown } from './support/element.ts';

describe('<checkout-button> from the keyboard', () => {
  let api: string;

  before(async () => {
    ({ apiUrl: api } = await mainStack());
  });

  async function mountAfterALink(token?: string): Promise<CheckoutButton> {
    const page = await fixture<HTMLElement>(html`
      <div>
        <a href="#before" id="before">Before</a>
        <checkout-button plan="PRO" promo api=${api} token=${token ?? ''}></checkout-button>
      </div>
    `);
    const element = page.querySelector('checkout-button')!;
    await pricesShown(element);
    page.querySelector<HTMLElement>('#before')!.focus();
    return element;
  }

  it('reaches the promotion code input and then the button with Tab', async () => {
    const element = await mountAfterALink();

    await sendKeys({ press: 'Tab' });
    const first = element.shadowRoot!.activeElement;
    await sendKeys({ press: 'Tab' });
    const second = element.shadowRoot!.activeElement;

    expect(first).to.equal(input(element));
    expect(second).to.equal(button(element));
  });

  it('starts the checkout with Enter in the promotion code input', async () => {
    const element = await mountAfterALink(await tokenFor(newUserId()));
    await sendKeys({ press: 'Tab' });
    await sendKeys({ type: 'launch20' });

    const redirect = nextEvent(element, 'checkout-redirect', { preventDefault: true });
    const start = nextEvent(element, 'checkout-start');
    await sendKeys({ press: 'Enter' });

    expect((await start).detail.promotionCode).to.equal('LAUNCH20');
    await redirect;
  });

  it('starts the checkout with Enter on the button, and keeps the focus there', async () => {
    const element = await mountAfterALink(await tokenFor(newUserId()));
    await sendKeys({ press: 'Tab' });
    await sendKeys({ press: 'Tab' });

    const redirect = nextEvent(element, 'checkout-redirect', { preventDefault: true });
    await sendKeys({ press: 'Enter' });
    await redirect;
    await element.updateComplete;

    expect(element.shadowRoot!.activeElement).to.equal(button(element));
  });
});
