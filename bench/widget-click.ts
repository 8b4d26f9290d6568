// How long a buyer waits from clicking <checkout-button display="overlay"> to the card form of
// Stripe's embedded checkout in the overlay, beside the same click with the redirect display to the
// card form of Stripe's hosted page. Chromium against the server as `npm start` runs it: the
// bundled local Stripe, whose Stripe.js stand-in the widget loads on the click.
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Frame, Page } from 'playwright-core';
import { AccessTokens } from '../server/http/auth.ts';
import { CHECKOUT_PATH } from '../shared/api/paths.ts';
import { launchChromium } from '../test/support/chromium.ts';
import { startChild } from './processes.ts';
import type { Row } from './report.ts';
import type { ServerReady } from './server.ts';
import { alternating, figure, median } from './stats.ts';
import { WIDGET_CLICK_PAGE_PATH } from './widget-page.ts';

type Display = 'overlay' | 'redirect';

interface Click {
  /** From the click to the load event of the document with the card form. */
  ms: number;
  /** From the click, on the page's clock: the session created, and (for the overlay) Stripe.js in. */
  session: number;
  stripeJs?: number;
}

/** The development server: no STRIPE_SECRET_KEY, so the local Stripe runs in its process. */
async function startDevelopmentServer() {
  const dir = mkdtempSync(join(tmpdir(), 'tilldrop-bench-click-'));
  const authSecret = randomBytes(32).toString('base64url');
  // Blank is unset: nothing of the bench's own environment turns the real Stripe on.
  const server = await startChild<ServerReady>('./server.ts', {
    NODE_ENV: 'development',
    HOST: '127.0.0.1',
    PORT: '0',
    APP_URL: '',
    DATABASE_PATH: join(dir, 'tilldrop.sqlite'),
    DATABASE_URL: '',
    AUTH_SECRET: authSecret,
    STRIPE_SECRET_KEY: '',
    STRIPE_WEBHOOK_SECRET: '',
    STRIPE_PUBLISHABLE_KEY: '',
    STRIPE_API_URL: '',
    LOCAL_STRIPE_PORT: '0',
    LOCAL_STRIPE_DATABASE_PATH: join(dir, 'local-stripe.sqlite'),
    LOG_LEVEL: 'silent',
    RATE_LIMIT_PER_IP_PER_MINUTE: '1000000000',
  }).catch((error: unknown) => {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  });
  return {
    apiUrl: server.ready.apiUrl,
    tokens: new AccessTokens(authSecret),
    async stop() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function widgetClickBench(options: { runs: number }): Promise<Row[]> {
  const server = await startDevelopmentServer();
  const browser = await launchChromium();
  try {
    const click = (display: Display) => () => clickToCardForm(browser, server, display);
    const rounds = await alternating(options.runs, [click('overlay'), click('redirect')]);
    const overlay = rounds.map(([clicked]) => clicked!);
    const redirect = rounds.map(([, clicked]) => clicked!);
    return [
      {
        name: 'widget · click to card form, overlay',
        unit: 'ms',
        value: figure(overlay.map((c) => c.ms)),
        note:
          `Stripe.js in at ${ms(overlay.map((c) => c.stripeJs!))}, ` +
          `session at ${ms(overlay.map((c) => c.session!))} (medians)`,
      },
      {
        name: 'widget · click to card form, redirect to Stripe’s page',
        unit: 'ms',
        value: figure(redirect.map((c) => c.ms)),
        note: `session at ${ms(redirect.map((c) => c.session))} (median)`,
      },
      {
        name: 'widget · overlay / redirect, click to card form',
        unit: '%',
        value: figure(rounds.map(([o, r]) => (100 * o!.ms) / r!.ms)),
        note: 'run by run',
      },
    ];
  } finally {
    await browser.close();
    await server.stop();
  }
}

/**
 * A first visit (a new browser context, so Stripe.js and Stripe's page come from the network) by a
 * new buyer, who points at the button (which fetches the click's module) and then clicks it.
 */
async function clickToCardForm(
  browser: Browser,
  server: Awaited<ReturnType<typeof startDevelopmentServer>>,
  display: Display,
): Promise<Click> {
  const context = await browser.newContext();
  try {
    let clickedAt = Number.NaN;
    let sessionBeforeRedirect = Number.NaN;
    await context.exposeFunction('benchClicked', (at: number) => (clickedAt = at));
    await context.exposeFunction('benchSessionIn', (ms: number) => (sessionBeforeRedirect = ms));
    const page = await context.newPage();
    const token = await server.tokens.sign(`bench-click-${randomUUID()}`);
    await page.goto(`${server.apiUrl}${WIDGET_CLICK_PAGE_PATH}?display=${display}&token=${token}`);
    const button = page.locator('checkout-button [part="button"]');
    await page.locator('checkout-button [part="price"]').waitFor();
    await button.hover();
    await page.waitForFunction(() =>
      performance
        .getEntriesByType('resource')
        .some((entry) => /\/widget-checkout\.[0-9a-f]+\.mjs$/.test(entry.name)),
    );
    await button.click();
    const form = display === 'overlay' ? await embeddedFrame(page) : await hostedPage(page);
    await form.locator('input[name="cardNumber"]').waitFor({ state: 'visible' });
    const loadedAt = await form.evaluate(() => {
      const [navigation] = performance.getEntriesByType('navigation');
      return performance.timeOrigin + (navigation as PerformanceNavigationTiming).loadEventStart;
    });
    const ms = loadedAt - clickedAt;
    if (!(ms > 0)) throw new Error(`no click-to-form time for ${display}: ${ms}`);
    if (display === 'redirect') return { ms, session: sessionBeforeRedirect };
    // Only anonymous functions here: tsx would wrap a named one in a helper the page lacks.
    const answered = await page.evaluate(() => ({
      clicked: (window as unknown as { clickedAt: number }).clickedAt,
      resources: (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).map(
        (entry) => [new URL(entry.name).pathname, entry.responseEnd] as const,
      ),
    }));
    const after = (path: string) =>
      (answered.resources.find(([name]) => name.endsWith(path))?.[1] ?? Number.NaN) -
      answered.clicked;
    return { ms, stripeJs: after('/stripe.js'), session: after(CHECKOUT_PATH) };
  } finally {
    await context.close();
  }
}

/** The embedded checkout's frame, once the widget has put it in the overlay and it has loaded. */
async function embeddedFrame(page: Page): Promise<Frame> {
  const handle = await page.locator('checkout-dialog iframe').elementHandle({ timeout: 15_000 });
  const frame = await handle!.contentFrame();
  if (!frame) throw new Error('the overlay has no frame');
  await frame.waitForLoadState('load');
  return frame;
}

/** Stripe's hosted page, once the redirect has loaded it. */
async function hostedPage(page: Page): Promise<Frame> {
  await page.waitForURL(/\/c\/pay\/cs_/, { waitUntil: 'load', timeout: 15_000 });
  return page.mainFrame();
}

const ms = (values: number[]) => `+${Math.round(median(values))} ms`;
