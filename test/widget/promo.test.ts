/// <reference types="mocha" />
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../widget/checkout-button.ts';
import type { CheckoutButton } from '../../widget/checkout-button.ts';
import { PROMOTION_CODE_RULE } from '../../shared/promotion-code.ts';
import { mainStack } from './support/commands.ts';
import {
  input,
  nextEvent,
  part,
  partOrNull,
  pricesShown,
  promoMessage,
  text,
  type,
  watchRequests,
} from './support/element.ts';

describe('<checkout-button> promotion codes', () => {
  let api: string;
  let watcher: ReturnType<typeof watchRequests> | undefined;

  before(async () => {
    ({ apiUrl: api } = await mainStack());
  });

  afterEach(() => watcher?.stop());

  const proAnnual = () =>
    fixture<CheckoutButton>(
      html`<checkout-button plan="PRO" billing="annual" promo api=${api}></checkout-button>`,
    );

  it('shows no promotion code input without the promo attribute', async () => {
    const element = await fixture<CheckoutButton>(
      html`<checkout-button plan="PRO" api=${api}></checkout-button>`,
    );

    expect(partOrNull(element, 'input')).to.equal(null);
  });

  it('shows an empty input, labelled, for a bare promo attribute', async () => {
    const element = await proAnnual();

    expect(input(element).value).to.equal('');
    expect(text(element.shadowRoot!.querySelector(`label[for="${input(element).id}"]`))).to.equal(
      'Promotion code',
    );
  });

  it('refuses a code with a character no code has, before asking the server', async () => {
    const element = await proAnnual();
    watcher = watchRequests();

    const verdict = nextEvent(element, 'checkout-promo');
    type(element, 'LAUNCH!');

    expect((await verdict).detail).to.deep.equal({
      code: 'LAUNCH!',
      valid: false,
      message: PROMOTION_CODE_RULE,
    });
    await element.updateComplete;
    expect(text(promoMessage(element))).to.equal(PROMOTION_CODE_RULE);
    expect(input(element).getAttribute('aria-invalid')).to.equal('true');
    expect(
      watcher.requests.filter((r) => r.url.includes('/api/promotion-codes/')),
    ).to.have.lengthOf(0);
  });

  it('says nothing about a code while it is too short to judge', async () => {
    const element = await proAnnual();
    const verdicts: string[] = [];
    element.addEventListener('checkout-promo', (event) => verdicts.push(event.detail.code));

    type(element, 'LA');
    await element.updateComplete;

    expect(text(promoMessage(element))).to.equal('');
    expect(input(element).getAttribute('aria-invalid')).to.equal('false');
    const verdict = nextEvent(element, 'checkout-promo');
    type(element, 'LAUNCH20');
    await verdict;
    expect(verdicts).to.deep.equal(['LAUNCH20']);
  });

  it('asks the server about the code as typed, upper-cased, for the plan and billing shown', async () => {
    const element = await proAnnual();
    await pricesShown(element);
    watcher = watchRequests();

    const verdict = nextEvent(element, 'checkout-promo');
    type(element, ' launch20 ');

    expect((await verdict).detail).to.deep.equal({
      code: 'LAUNCH20',
      valid: true,
      message: '20% off: $152.00 instead of $190.00',
    });
    expect(watcher.requests.map((r) => r.url)).to.deep.equal([
      `${api}/api/promotion-codes/LAUNCH20?plan=PRO&billing=annual`,
    ]);
  });

  it('shows the discounted price once the server accepts the code', async () => {
    const element = await proAnnual();
    await pricesShown(element);

    const verdict = nextEvent(element, 'checkout-promo');
    type(element, 'LAUNCH20');
    await verdict;
    await element.updateComplete;

    expect(text(part(element, 'price').querySelector('s'))).to.equal('$190/year');
    expect(text(part(element, 'price'))).to.equal('$190/year $152 today Save 17%');
    expect(text(promoMessage(element))).to.equal('20% off: $152.00 instead of $190.00');
    expect(input(element).getAttribute('aria-invalid')).to.equal('false');
  });

  it("shows the server's reason when it refuses the code", async () => {
    const element = await proAnnual();

    const verdict = nextEvent(element, 'checkout-promo');
    type(element, 'EXPIRED10');

    expect((await verdict).detail).to.deep.equal({
      code: 'EXPIRED10',
      valid: false,
      message: 'Promotion code EXPIRED10 has expired',
    });
    await element.updateComplete;
    expect(text(promoMessage(element))).to.equal('Promotion code EXPIRED10 has expired');
    expect(input(element).getAttribute('aria-invalid')).to.equal('true');
    expect(text(part(element, 'price'))).to.equal('$190/year Save 17%');
  });

  it('judges a code against the billing on the button', async () => {
    const element = await fixture<CheckoutButton>(
      html`<checkout-button plan="PRO" promo api=${api}></checkout-button>`,
    );

    const verdict = nextEvent(element, 'checkout-promo');
    type(element, 'ANNUAL50');

    expect((await verdict).detail.valid).to.equal(false);
    expect((await verdict).detail.message).to.equal(
      'Promotion code ANNUAL50 does not apply to this plan. It applies to annual billing only.',
    );
  });

  it('pre-fills the code from promo="LAUNCH20" and checks it without firing checkout-promo', async () => {
    const element = await fixture<CheckoutButton>(
      html`<checkout-button
        plan="PRO"
        billing="annual"
        promo="LAUNCH20"
        api=${api}
      ></checkout-button>`,
    );
    const verdicts: unknown[] = [];
    element.addEventListener('checkout-promo', (event) => verdicts.push(event.detail));

    await pricesShown(element);
    await waitUntil(() => text(promoMessage(element)).startsWith('20% off'), 'no verdict shown');

    expect(input(element).value).to.equal('LAUNCH20');
    expect(text(part(element, 'price'))).to.equal('$190/year $152 today Save 17%');
    expect(verdicts).to.have.lengthOf(0);
  });

  it('ties the message to the input and announces it politely', async () => {
    const element = await proAnnual();

    const message = promoMessage(element);

    expect(input(element).getAttribute('aria-describedby')).to.equal(message.id);
    expect(message.getAttribute('role')).to.equal('status');
  });
});
