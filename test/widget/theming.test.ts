/// <reference types="mocha" />
import { expect, fixture, html } from '@open-wc/testing';
import { emulateMedia } from '@web/test-runner-commands';
import '../../widget/checkout-button.ts';
import type { CheckoutButton } from '../../widget/checkout-button.ts';
import { mainStack } from './support/commands.ts';
import { button, errorMessage, input, part, pricesShown } from './support/element.ts';

describe('<checkout-button> theming', () => {
  let api: string;
  let pageStyle: HTMLStyleElement | undefined;

  before(async () => {
    ({ apiUrl: api } = await mainStack());
  });

  afterEach(async () => {
    pageStyle?.remove();
    await emulateMedia({ colorScheme: 'light' });
  });

  function stylePage(css: string): void {
    pageStyle = document.createElement('style');
    pageStyle.textContent = css;
    document.head.append(pageStyle);
  }

  it('takes its colours, radius and font from CSS custom properties', async () => {
    const element = await fixture<CheckoutButton>(html`
      <checkout-button
        plan="PRO"
        promo
        api=${api}
        style="--checkout-button-background: rgb(1, 2, 3); --checkout-button-color: rgb(4, 5, 6);
          --checkout-button-radius: 3px; --checkout-button-font: italic 700 20px serif"
      ></checkout-button>
    `);

    const look = getComputedStyle(button(element));

    expect([look.backgroundColor, look.color, look.borderTopLeftRadius]).to.deep.equal([
      'rgb(1, 2, 3)',
      'rgb(4, 5, 6)',
      '3px',
    ]);
    expect([look.fontStyle, look.fontSize]).to.deep.equal(['italic', '20px']);
    expect(getComputedStyle(input(element)).borderTopLeftRadius).to.equal('3px');
  });

  it('switches to its dark colours when the page prefers a dark scheme', async () => {
    const element = await fixture<CheckoutButton>(
      html`<checkout-button plan="PRO" api=${api}></checkout-button>`,
    );
    const light = getComputedStyle(button(element)).backgroundColor;

    await emulateMedia({ colorScheme: 'dark' });
    const dark = getComputedStyle(button(element)).backgroundColor;

    expect(light).to.equal('rgb(67, 56, 202)');
    expect(dark).to.equal('rgb(165, 180, 252)');
  });

  it('lets the page style its parts', async () => {
    stylePage(`
      checkout-button::part(button) { background-color: rgb(10, 20, 30); }
      checkout-button::part(input) { background-color: rgb(40, 50, 60); }
      checkout-button::part(price) { color: rgb(70, 80, 90); }
      checkout-button::part(message) { color: rgb(100, 110, 120); }
    `);
    const element = await fixture<CheckoutButton>(
      html`<checkout-button plan="PRO" promo api=${api}></checkout-button>`,
    );
    await pricesShown(element);

    expect(getComputedStyle(button(element)).backgroundColor).to.equal('rgb(10, 20, 30)');
    expect(getComputedStyle(input(element)).backgroundColor).to.equal('rgb(40, 50, 60)');
    expect(getComputedStyle(part(element, 'price')).color).to.equal('rgb(70, 80, 90)');
    expect(getComputedStyle(errorMessage(element)).color).to.equal('rgb(100, 110, 120)');
  });

  it("keeps the page's styles out and its own styles in", async () => {
    stylePage(`
      button { background-color: rgb(255, 0, 0); padding: 0; }
      p { display: none; }
    `);
    const page = await fixture<HTMLElement>(html`
      <div>
        <button id="theirs">Theirs</button>
        <checkout-button plan="PRO" api=${api}></checkout-button>
      </div>
    `);
    const element = page.querySelector('checkout-button')!;
    await pricesShown(element);
    const theirs = getComputedStyle(page.querySelector('#theirs')!);
    const ours = getComputedStyle(button(element));

    expect(ours.backgroundColor).to.equal('rgb(67, 56, 202)');
    expect(ours.paddingTop).to.not.equal('0px');
    expect(getComputedStyle(part(element, 'price')).display).to.equal('block');
    expect(theirs.backgroundColor).to.equal('rgb(255, 0, 0)');
    expect(theirs.paddingTop).to.equal('0px');
  });

  it('lays the input and the button out from the right on a right-to-left page', async () => {
    const page = await fixture<HTMLElement>(html`
      <div>
        <div dir="rtl"><checkout-button plan="PRO" promo api=${api}></checkout-button></div>
        <div dir="ltr"><checkout-button plan="PRO" promo api=${api}></checkout-button></div>
      </div>
    `);
    const [rtl, ltr] = [...page.querySelectorAll('checkout-button')] as CheckoutButton[];
    // The fixture waits for its own root, not for the buttons inside it.
    await Promise.all([rtl!.updateComplete, ltr!.updateComplete]);
    const startsFromTheRight = (element: CheckoutButton) =>
      input(element).getBoundingClientRect().left > button(element).getBoundingClientRect().left;

    expect(startsFromTheRight(rtl!)).to.equal(true);
    expect(startsFromTheRight(ltr!)).to.equal(false);
  });
});
