// The widget's weight (min+gzip of both builds, and of the module a click fetches) and how soon a
// fresh page shows its price.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { launchChromium } from '../test/support/chromium.ts';
import type { Tilldrop } from './processes.ts';
import type { Row } from './report.ts';
import { figure, median, repeat } from './stats.ts';
import { WIDGET_PAGE_PATH } from './widget-page.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const SCRIPTS: { name: string; file: string; onDemand?: boolean }[] = [
  { name: 'classic script', file: 'dist/checkout-button.classic.js' },
  { name: 'ES module', file: 'dist/checkout-button.js' },
];
/** The budget for the widget, Lit included. */
const BUDGET_BYTES = 10 * 1024;

export function widgetSizeBench(): Row[] {
  const built = ensureBuilt();
  const gzippedOf = (file: string) => gzipSync(readFileSync(join(ROOT, file)), { level: 9 }).length;
  const classic = gzippedOf(SCRIPTS[0]!.file);
  const builds = [
    ...SCRIPTS,
    // What a click does (Stripe Checkout, embedded or not, and the billing portal), fetched from
    // beside either script when a buyer first points at, focuses or clicks a button: outside the
    // budget. The one the scripts import, among the earlier builds' modules kept beside it.
    { name: 'on-demand checkout module', file: checkoutModuleFile(), onDemand: true },
  ];
  return builds.flatMap(({ name, file, onDemand }) => {
    const code = readFileSync(join(ROOT, file));
    const gzipped = gzippedOf(file);
    const bytes = `${gzipped.toLocaleString('en-US')} B`;
    return [
      {
        name: `widget · ${name}, minified`,
        unit: 'KB',
        value: figure([code.length / 1024]),
        note: built,
      },
      onDemand
        ? {
            name: `widget · ${name}, min+gzip`,
            unit: 'KB',
            value: figure([gzipped / 1024]),
            note: `${bytes}; with the classic script, ${(classic + gzipped).toLocaleString('en-US')} B`,
          }
        : {
            name: `widget · ${name}, min+gzip`,
            unit: 'KB',
            value: figure([gzipped / 1024]),
            target: '≤ 10 KB',
            met: gzipped <= BUDGET_BYTES,
            note: bytes,
          },
    ];
  });
}

export async function widgetRenderBench(
  server: Tilldrop,
  options: { runs: number },
): Promise<Row[]> {
  const browser = await launchChromium();
  const pageUrl = `${server.apiUrl}${WIDGET_PAGE_PATH}`;
  // A new context per run: an empty cache, as for a first visit.
  const visit = async () => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(pageUrl);
      await page.waitForFunction(() => 'priceShownAt' in window, undefined, { timeout: 10_000 });
      // Only anonymous functions here: tsx would wrap a named one in a helper the page lacks.
      const shown = await page.evaluate(() => ({
        ms: (window as unknown as { priceShownAt: number }).priceShownAt,
        text: (window as unknown as { priceText: string }).priceText,
        resources: (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).map(
          (entry) => [new URL(entry.name).pathname, entry.responseEnd] as const,
        ),
      }));
      const answered = new Map(shown.resources);
      return {
        ms: shown.ms,
        text: shown.text,
        script: answered.get('/widget.js') ?? Number.NaN,
        plans: answered.get('/api/plans') ?? Number.NaN,
      };
    } finally {
      await context.close();
    }
  };
  try {
    await visit(); // the server's price cache and the browser's own first start
    const visits = await repeat(options.runs, visit);
    return [
      {
        name: 'widget · page load to price shown',
        unit: 'ms',
        value: figure(visits.map((v) => v.ms)),
        note:
          `"${visits[0]!.text}"; script in at ${ms(visits.map((v) => v.script))}, ` +
          `prices in at ${ms(visits.map((v) => v.plans))} (medians)`,
      },
    ];
  } finally {
    await browser.close();
  }
}

const ms = (values: number[]) => `${Math.round(median(values))} ms`;

/** `dist/widget-checkout.<hash>.mjs`, named by its content in the classic script that imports it. */
function checkoutModuleFile(): string {
  const classic = readFileSync(join(ROOT, SCRIPTS[0]!.file), 'utf8');
  return `dist/${/widget-checkout\.[0-9a-f]{16}\.mjs/.exec(classic)![0]}`;
}

/** Builds the widget when dist/ is missing or older than its sources; says which it measured. */
function ensureBuilt(): string {
  // The module is written with the scripts that import it.
  const outputs = SCRIPTS.map(({ file }) => join(ROOT, file));
  const newestSource = Math.max(
    ...['widget', 'shared'].flatMap((dir) => sourceTimes(join(ROOT, dir))),
    statSync(join(ROOT, 'vite.config.ts')).mtimeMs,
  );
  const fresh = outputs.every((file) => existsSync(file) && statSync(file).mtimeMs >= newestSource);
  if (fresh) return 'existing build';
  execFileSync(
    process.execPath,
    [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'],
    {
      cwd: ROOT,
      stdio: 'inherit',
    },
  );
  return 'fresh build';
}

function sourceTimes(dir: string): number[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => statSync(join(entry.parentPath, entry.name)).mtimeMs);
}
