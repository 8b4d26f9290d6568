/// <reference types="mocha" />
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { CheckoutButton } from '../../widget/checkout-button.ts';
import { loadPlans } from '../../widget/plans.ts';
import { mainStack, startStack, stopStack } from './support/commands.ts';
import { button, input, part, partOrNull, pricesShown, text } from './support/element.ts';

describe('<checkout-button> attributes, properties and price', () => {
  let api: string;

  before(async () => {
    ({ apiUrl: api } = await mainStack());
  });

  it('mirrors every attribute in a property', async () => {
    const element = await fixture<CheckoutButton>(html`
      <checkout-button
        plan="PRO"
        billing="annual"
        promo="LAUNCH20"
        label="Go Pro"
        api=${api}
        token="a-token"
        success-url="https://shop.example/thanks"
        cancel-url="https://shop.example/pricing"
        disabled
      ></checkout-button>
    `);

    expect({
      plan: element.plan,
      billing: element.billing,
      promo: element.promo,
      label: element.label,
      api: element.api,
      token: element.token,
      successUrl: element.successUrl,
      cancelUrl: element.cancelUrl,
      disabled: element.disabled,
    }).to.deep.equal({
      plan: 'PRO',
      billing: 'annual',
      promo: 'LAUNCH20',
      label: 'Go Pro',
      api,
      token: 'a-token',
      successUrl: 'https://shop.example/thanks',
      cancelUrl: 'https://shop.example/pricing',
      disabled: true,
    });
  });

  it('bills monthly and calls the origin it was loaded from unless told otherwise', async () => {
    const element = await fixture<CheckoutButton>(
      html`<checkout-button plan="PRO"></checkout-button>`,
    );

    expect(element.billing).to.equal('monthly');
    expect(element.api).to.equal(location.origin);
  });

  it('disables the button and the input when disabled, and reflects the property', async () => {
    const element = await fixture<CheckoutButton>(
      html`<checkout-button plan="PRO" promo api=${api}></checkout-button>`,
    );

    element.disabled = true;
    await element.updateComplete;

    expect(element.hasAttribute('disabled')).to.equal(true);
    expect(button(element).disabled).to.equal(true);
    expect(input(element).disabled).to.equal(true);
  });

  it('shows the price of the plan and, for annual billing, the saving', async () => {
    const element = await fixture<CheckoutButton>(
      html`<checkout-button plan="PRO" billing="annual" api=${api}></checkout-button>`,
    );

    await pricesShown(element);

    expect(text(part(element, 'price'))).to.equal('$190/year Save 17%');
    expect(text(part(element, 'saving'))).to.equal('Save 17%');
    expect(text(button(element))).to.equal('Subscribe to PRO, $190/year');
  });

  it('shows no saving for monthly billing', async () => {
    const element = await fixture<CheckoutButton>(
      html`<checkout-button plan="BASIC" api=${api}></checkout-button>`,
    );

    await pricesShown(element);

    expect(text(part(element, 'price'))).to.equal('$9/month');
    expect(partOrNull(element, 'saving')).to.equal(null);
    expect(text(button(element))).to.equal('Subscribe to BASIC, $9/month');
  });

  it('ignores billing for the weekly and one-time plans', async () => {
    const weekly = await fixture<CheckoutButton>(
      html`<checkout-button plan="weekly" billing="annual" api=${api}></checkout-button>`,
    );
    const lifetime = await fixture<CheckoutButton>(
      html`<checkout-button plan="one-time" billing="annual" api=${api}></checkout-button>`,
    );

    await Promise.all([pricesShown(weekly), pricesShown(lifetime)]);

    expect(text(button(weekly))).to.equal('Subscribe weekly, $4.99/week');
    expect(text(button(lifetime))).to.equal('Buy lifetime access, $149');
  });

  it('uses the label attribute instead of the plan and price', async () => {
    const element = await fixture<CheckoutButton>(
      html`<checkout-button plan="PRO" label="Go Pro" api=${api}></checkout-button>`,
    );

    await pricesShown(element);

    expect(text(button(element))).to.equal('Go Pro');
  });

  it('follows the page when it changes the plan and billing properties', async () => {
    const element = await fixture<CheckoutButton>(
      html`<checkout-button plan="PRO" api=${api}></checkout-button>`,
    );
    await pricesShown(element);

    element.plan = 'BASIC';
    element.billing = 'annual';
    await element.updateComplete;

    expect(text(part(element, 'price'))).to.equal('$90/year Save 17%');
    expect(text(button(element))).to.equal('Subscribe to BASIC, $90/year');
  });

  it('still offers the checkout, without a price, when the prices cannot be loaded', async () => {
    const gone = await startStack();
    await stopStack(gone.id);
    const element = await fixture<CheckoutButton>(
      html`<checkout-button plan="PRO" api=${gone.apiUrl}></checkout-button>`,
    );

    await loadPlans(gone.apiUrl).catch(() => undefined);
    await element.updateComplete;

    expect(partOrNull(element, 'price')).to.equal(null);
    expect(text(button(element))).to.equal('Subscribe to PRO');
    expect(button(element).disabled).to.equal(false);
  });

  it('keeps the first definition, without an error, when the classic script is included too', async () => {
    const errors: string[] = [];
    const warnings: string[] = [];
    const onError = (event: ErrorEvent) => errors.push(event.message);
    const warn = console.warn;
    console.warn = (...args: unknown[]) => warnings.push(args.join(' '));
    window.addEventListener('error', onError);
    try {
      const script = document.createElement('script');
      script.src = '/dist/checkout-button.classic.js';
      const loaded = new Promise((resolve) => script.addEventListener('load', resolve));
      document.head.append(script);
      await loaded;
    } finally {
      console.warn = warn;
      window.removeEventListener('error', onError);
    }

    expect(errors).to.deep.equal([]);
    expect(customElements.get('checkout-button')).to.equal(CheckoutButton);
    expect(warnings).to.include(
      'Tilldrop: <checkout-button> is already defined; this copy does nothing.',
    );
    await waitUntil(() => 'Tilldrop' in window, 'the classic script never ran');
  });
});
