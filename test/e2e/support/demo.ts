// The demo in a real browser: the whole stack in-process (API, demo pages, local Stripe) and
// Debian's Chromium driven by playwright-core, one buyer per browser context.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { demoRoutes } from '../../../server/routes/demo.ts';
import { demoCatalog } from '../../../server/services/demo-catalog.ts';
import { launchChromium } from '../../support/chromium.ts';
import { startStack, type Stack } from '../../support/stack.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SCREENSHOTS = fileURLToPath(new URL('../../../test-results/e2e/', import.meta.url));

export const CARDS = {
  paid: '4242 4242 4242 4242',
  declined: '4000 0000 0000 0002',
} as const;

export interface Demo {
  stack: Stack;
  url: string;
  /** A fresh browser context signed in as `userId`, on the pricing page. */
  buyer(userId: string): Promise<Page>;
  /** For `afterEach`: keeps a screenshot of the test's last page, pass or fail, then closes its buyers. */
  finishTest(testName: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * `npm test` builds the widget before these tests run; alone (`npm run test:e2e`) on a fresh
 * clone, the build is made here.
 */
function ensureWidgetBuilt(): void {
  if (existsSync(`${ROOT}dist/checkout-button.classic.js`)) return;
  const build = spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  if (build.status !== 0) throw new Error('vite build failed: the widget is needed by the demo');
}

export async function startDemo(): Promise<Demo> {
  ensureWidgetBuilt();
  // The catalog `npm start` gives the demo, trial included.
  const catalogDir = mkdtempSync(join(tmpdir(), 'tilldrop-demo-catalog-'));
  const plansFile = join(catalogDir, 'plans.json');
  writeFileSync(plansFile, JSON.stringify(demoCatalog));
  const stack = await startStack({ extraRoutes: demoRoutes, env: { PLANS_FILE: plansFile } });
  const browser = await launchChromium();
  const url = stack.apiUrl;
  let contexts: BrowserContext[] = [];
  let lastPage: Page | undefined;
  return {
    stack,
    url,
    async buyer(userId) {
      const context = await browser.newContext({
        viewport: { width: 1280, height: 900 },
        locale: 'en-US',
        timezoneId: 'UTC',
        colorScheme: 'light',
      });
      context.setDefaultTimeout(15_000);
      // The same sign-in the page's user switcher makes; the context keeps the httpOnly cookie.
      const signIn = await context.request.post(`${url}/demo/session`, { data: { userId } });
      if (!signIn.ok()) throw new Error(`demo sign-in as ${userId} answered ${signIn.status()}`);
      contexts.push(context);
      const page = await context.newPage();
      lastPage = page;
      page.on('pageerror', (error) => console.error(`page error on ${page.url()}:`, error));
      await page.goto(`${url}/`);
      return page;
    },
    async finishTest(testName) {
      if (lastPage && !lastPage.isClosed()) await screenshot(lastPage, slug(testName));
      await Promise.all(contexts.map((context) => context.close()));
      contexts = [];
      lastPage = undefined;
    },
    async close() {
      await browser.close();
      await stack.close();
      rmSync(catalogDir, { recursive: true, force: true });
    },
  };
}

const slug = (name: string) =>
  name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 80);

/** A page kept under test-results/ (git-ignored) for a human to look at. */
async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: `${SCREENSHOTS}${name}.png`, fullPage: true });
}
