// What a buyer does with their mouse and keyboard, written once for every end-to-end test.
import type { FrameLocator, Locator, Page } from 'playwright-core';

export type PlanName = 'BASIC' | 'PRO' | 'weekly' | 'one-time';

/** Each card's two buttons: "Pay here" (the overlay) and "Pay on Stripe" (the redirect). */
export type Way = 'here' | 'on Stripe';
const BUTTON_OF: Record<Way, string> = {
  here: '[display="overlay"]',
  'on Stripe': ':not([display])',
};

/** A `<checkout-button>` on a plan's card; Playwright's locators see into its shadow root. */
export const widgetFor = (page: Page, plan: PlanName, way: Way = 'on Stripe'): Locator =>
  page.locator(`.plan[data-plan="${plan}"] checkout-button${BUTTON_OF[way]}`);

/** Picks another demo buyer in the header's switcher, which signs them in and reloads the page. */
export async function switchBuyer(page: Page, userId: string): Promise<void> {
  await Promise.all([page.waitForEvent('load'), page.selectOption('#demo-user', userId)]);
  await page.locator('#demo-user:enabled').waitFor();
}

/** Flips the monthly/annual switch, as a buyer clicks its label. */
export async function chooseBilling(page: Page, billing: 'monthly' | 'annual'): Promise<void> {
  await page.locator(`label[for="billing-${billing}"]`).click();
  await widgetFor(page, 'PRO')
    .and(page.locator(`[billing="${billing}"]`))
    .waitFor();
}

interface PromoVerdict {
  code: string;
  valid: boolean;
  message: string;
}

/** Types a promotion code into a plan's "Pay here" widget (the one with the input); resolves with the widget's `checkout-promo` verdict. */
export async function typePromotionCode(
  page: Page,
  plan: PlanName,
  code: string,
): Promise<PromoVerdict> {
  // Listening before typing, so a verdict that comes back quickly is not missed.
  await page.evaluate(() => {
    const verdict = new Promise((resolve) =>
      document.addEventListener(
        'checkout-promo',
        (event) => resolve((event as CustomEvent).detail),
        {
          once: true,
        },
      ),
    );
    Object.assign(window, { nextPromoVerdict: verdict });
  });
  await widgetFor(page, plan, 'here').getByLabel('Promotion code').fill(code);
  return page.evaluate(
    () => (window as unknown as { nextPromoVerdict: Promise<PromoVerdict> }).nextPromoVerdict,
  );
}

/** Clicks the plan's "Pay on Stripe" and lands on the local Stripe's hosted checkout page. */
export async function startCheckout(page: Page, plan: PlanName): Promise<string> {
  await widgetFor(page, plan).getByRole('button', { name: 'Pay on Stripe' }).click();
  await page.waitForURL(/\/c\/pay\/cs_/);
  return decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!);
}

interface Overlay {
  sessionId: string;
  /** The `src` of Stripe's embedded checkout frame. */
  frameUrl: string;
  /** The frame, to pay in. */
  frame: FrameLocator;
  /** Resolves with `checkout-complete`'s detail once the widget fires it. */
  completed(): Promise<{ sessionId: string; entitlement: { plan: string; billing: string } }>;
}

/** Clicks the plan's "Pay here": Stripe's embedded checkout opens in the overlay over the page. */
export async function payHere(page: Page, plan: PlanName): Promise<Overlay> {
  const opened = await nextEvent<{ sessionId: string }>(page, 'checkout-open');
  const completed = await nextEvent<Awaited<ReturnType<Overlay['completed']>>>(
    page,
    'checkout-complete',
  );
  await widgetFor(page, plan, 'here').getByRole('button', { name: 'Pay here' }).click();
  const { sessionId } = await opened();
  const iframe = page.locator('checkout-dialog iframe');
  await page.locator('checkout-dialog').getByRole('dialog').waitFor();
  const frameUrl = (await iframe.getAttribute('src')) ?? '';
  return { sessionId, frameUrl, frame: page.frameLocator('checkout-dialog iframe'), completed };
}

/**
 * Listens, from now, for the next `name` event any widget fires (they bubble out of the shadow
 * root); the function returned resolves with its detail.
 */
export async function nextEvent<T>(page: Page, name: string): Promise<() => Promise<T>> {
  await page.evaluate((eventName) => {
    const pending = ((
      window as unknown as { nextEvents?: Record<string, Promise<unknown>> }
    ).nextEvents ??= {});
    pending[eventName] = new Promise((resolve) =>
      document.addEventListener(eventName, (event) => resolve((event as CustomEvent).detail), {
        once: true,
      }),
    );
  }, name);
  return () =>
    page.evaluate(
      (eventName) =>
        (window as unknown as { nextEvents: Record<string, Promise<T>> }).nextEvents[eventName]!,
      name,
    );
}

/** Fills in the payment form, on the hosted page or in the embedded frame, and submits it. */
export async function payWithCard(
  page: Page | FrameLocator,
  card: string,
  buyer = { email: 'buyer@example.com', name: 'Demo Buyer' },
): Promise<void> {
  const email = page.locator('input[name="email"]');
  if ((await email.getAttribute('readonly')) === null) await email.fill(buyer.email);
  await page.locator('input[name="cardNumber"]').fill(card);
  await page.locator('input[name="cardExpiry"]').fill('12 / 34');
  await page.locator('input[name="cardCvc"]').fill('123');
  await page.locator('input[name="billingName"]').fill(buyer.name);
  await page.getByRole('button', { name: /^(Subscribe|Pay)$/ }).click();
}

/** The success page once it says the purchase is confirmed and shows the amount. */
export async function paidSuccessPage(
  page: Page,
): Promise<{ summary: string; facts: Record<string, string> }> {
  await page.waitForURL(/\/subscription\/success\?session_id=/);
  await page.locator('#result[data-state="paid"]').waitFor();
  await page.locator('#facts dt', { hasText: 'Amount paid' }).waitFor();
  return { summary: await text(page.locator('#summary')), facts: await facts(page) };
}

/** The success page's facts list as "term → value". */
export async function facts(page: Page): Promise<Record<string, string>> {
  const terms = await page.locator('#facts dt').allTextContents();
  const values = await page.locator('#facts dd').allTextContents();
  return Object.fromEntries(terms.map((term, i) => [term.trim(), values[i]?.trim() ?? '']));
}

/** The text as the buyer reads it: table cells and lines apart, whitespace collapsed. */
export async function text(locator: Locator): Promise<string> {
  return (await locator.innerText()).replace(/\s+/g, ' ').trim();
}
