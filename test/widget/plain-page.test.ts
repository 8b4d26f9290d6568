/// <reference types="mocha" />
import { expect, waitUntil } from '@open-wc/testing';
import type { CheckoutButton } from '../../widget/checkout-button.ts';
import { mainStack, newUserId, pageUrls, purchase, tokenFor } from './support/commands.ts';
import { button, part, partOrNull, text, type } from './support/element.ts';

const PLAIN_PAGE = '/test/widget/pages/strict-csp.html';

interface PlainPage extends Window {
  problems: string[];
  warnings: string[];
  Tilldrop?: Record<string, unknown>;
}

// The built classic script on a page with no bundler, no module and the strictest CSP. The page
// opens as a window of its own: Stripe's pages, like the local Stripe's, refuse to be framed.
describe('the classic script on a plain page', () => {
  let localStripeUrl: string;
  let page: PlainPage | undefined;

  before(async () => {
    ({ localStripeUrl } = await mainStack());
  });

  afterEach(() => page?.close());

  async function openPlainPage(): Promise<{ page: PlainPage; element: CheckoutButton }> {
    const opened = window.open(PLAIN_PAGE, '_blank') as PlainPage | null;
    if (!opened) throw new Error('the browser refused to open the plain page');
    page = opened;
    await waitUntil(
      () => opened.location.pathname === PLAIN_PAGE && opened.document.readyState === 'complete',
      'the plain page never loaded',
    );
    const element = opened.document.querySelector('checkout-button')!;
    await waitUntil(() => element.shadowRoot && partOrNull(element, 'price'), 'no price shown');
    return { page: opened, element };
  }

  it("is served under Content-Security-Policy: default-src 'self'", async () => {
    const response = await fetch(PLAIN_PAGE);

    expect(response.headers.get('Content-Security-Policy')).to.equal("default-src 'self'");
  });

  it('shows the price and checks codes without breaking the policy', async () => {
    const { page, element } = await openPlainPage();

    const verdict = new Promise<CustomEvent>((resolve) =>
      element.addEventListener('checkout-promo', resolve as EventListener, { once: true }),
    );
    type(element, 'LAUNCH20');
    await verdict;

    expect(text(part(element, 'price'))).to.equal('$190/year Save 17%');
    expect(element.api).to.equal(location.origin);
    expect(page.problems).to.deep.equal([]);
    // The recorder does see what the policy blocks.
    page.document.body.insertAdjacentHTML('beforeend', '<p style="color: red">inline</p>');
    await waitUntil(() => page.problems.length > 0, 'the policy blocked nothing');
    expect(page.problems[0]).to.match(/^blocked by style-src-attr/);
  });

  it('keeps working when the page includes the script twice', async () => {
    const { page, element } = await openPlainPage();

    expect(page.problems).to.deep.equal([]);
    expect(page.warnings).to.deep.equal([
      'Tilldrop: <checkout-button> is already defined; this copy does nothing.',
    ]);
    expect(typeof page.Tilldrop?.createCheckoutSession).to.equal('function');
    expect(text(button(element))).to.equal('Subscribe to PRO, $190/year');
  });

  it('takes the buyer to Stripe Checkout when the page does not cancel the redirect', async () => {
    const { element } = await openPlainPage();
    element.token = await tokenFor(newUserId());

    button(element).click();

    await waitUntil(
      async () => (await pageUrls()).some((url) => url.startsWith(`${localStripeUrl}/`)),
      'the buyer never reached the checkout page',
    );
  });

  it('opens the billing portal from "Manage subscription"', async () => {
    const userId = newUserId();
    await purchase(userId, 'plan_professional_annual');
    const { page, element } = await openPlainPage();
    element.token = await tokenFor(userId);
    const manage = new Promise((resolve) =>
      element.addEventListener('checkout-manage', resolve, { once: true }),
    );

    button(element).click();
    await waitUntil(() => partOrNull(element, 'manage'), 'no way to manage the subscription');
    part(element, 'manage').click();
    await manage;

    await waitUntil(
      async () => (await pageUrls()).some((url) => url.startsWith(`${localStripeUrl}/`)),
      'the buyer never reached the billing portal',
    );
    expect(page.closed).to.equal(false);
  });
});
