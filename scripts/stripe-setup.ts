// `npm run stripe:setup -- --webhook-url https://your-api/api/webhooks/stripe [--dry-run]`: makes a
// Stripe account ready for the server, from the plan catalog (PLANS_FILE, or the built-in one):
// a product per plan, a price per entry under its lookup key, the billing portal's settings and
// the webhook endpoint. Run it again at any time: it changes only what differs.
import { parseArgs } from 'node:util';
import { ConfigError, parseEnv } from '../server/config.ts';
import {
  createStripeClient,
  STRIPE_API_VERSION,
  stripeTargetFromEnv,
  type StripeTarget,
} from '../server/stripe/client.ts';
import { planCatalog } from './setup/catalog.ts';
import { count, emptyPlan, type Plan, type Planning } from './setup/plan.ts';
import { planPortal } from './setup/portal.ts';
import { planWebhook } from './setup/webhook.ts';

const USAGE =
  'Usage: STRIPE_SECRET_KEY=sk_test_… npm run stripe:setup -- --webhook-url https://your-api/api/webhooks/stripe [--dry-run]\n' +
  '  --webhook-url  where Stripe sends events: the server’s /api/webhooks/stripe (leave out to skip the endpoint)\n' +
  '  --dry-run      print what would change, change nothing\n';

function fail(message: string): never {
  process.stderr.write(`stripe:setup: ${message}\n`);
  process.exit(1);
}

function options() {
  try {
    const { values } = parseArgs({
      options: {
        'webhook-url': { type: 'string' },
        'dry-run': { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    });
    return values;
  } catch (error) {
    return fail(`${(error as Error).message}\n${USAGE}`);
  }
}

function webhookUrlOf(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const url = URL.canParse(value) ? new URL(value) : undefined;
  if (url?.protocol !== 'https:' && url?.protocol !== 'http:') {
    return fail(`--webhook-url must be an http(s) URL, not "${value}"\n${USAGE}`);
  }
  return url.href;
}

function describeTarget(target: StripeTarget): string {
  const mode = target.secretKey.includes('_live_') ? 'LIVE' : 'test';
  const where = target.local
    ? `${target.local.protocol}://${target.local.host}:${target.local.port}`
    : 'api.stripe.com';
  return `Stripe (${mode} mode, key …${target.secretKey.slice(-4)}) at ${where}, API version ${STRIPE_API_VERSION}`;
}

function printPlan(plan: Plan, out: string[]): void {
  for (const line of plan.unchanged) out.push(`  = ${line}`);
  for (const change of plan.changes) out.push(`  + ${change.summary}`);
}

function printEnding(plan: Plan, out: string[]): void {
  if (plan.settings.size > 0) {
    out.push('', "Set in the server's environment:");
    for (const [name, value] of plan.settings) out.push(`  ${name}=${value}`);
  }
  if (plan.notes.length > 0) out.push('', 'Notes:', ...plan.notes.map((n) => `  - ${n}`));
  if (plan.problems.length > 0) {
    out.push('', 'Needs your attention:', ...plan.problems.map((p) => `  ! ${p}`));
  }
}

const args = options();
if (args.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}
const webhookUrl = webhookUrlOf(args['webhook-url']);
let env: ReturnType<typeof parseEnv>;
let catalog: ReturnType<typeof parseEnv>['catalog'];
try {
  // Setup runs before the server's production settings exist (it prints some of them), so the
  // environment is read without the production checks.
  env = parseEnv({ ...process.env, NODE_ENV: undefined });
  catalog = env.catalog;
} catch (error) {
  if (error instanceof ConfigError) fail(error.message);
  throw error;
}
const target = stripeTargetFromEnv(env);
const planning: Planning = {
  stripe: createStripeClient(target),
  plan: emptyPlan(),
  ids: { products: new Map(), prices: new Map(), pending: new Set() },
};
const { plan } = planning;
const out = [
  describeTarget(target),
  `Catalog: ${env.PLANS_FILE ?? 'the built-in catalog'}, ${count(catalog.length, 'price')}`,
  '',
];

try {
  await planCatalog(planning, catalog, process.env);
  await planPortal(planning, catalog);
  if (webhookUrl) await planWebhook(planning, webhookUrl);
  else plan.notes.push('No --webhook-url: the webhook endpoint was not checked.');
  if (webhookUrl?.startsWith('http:'))
    plan.notes.push('Stripe sends live-mode events only to https:// URLs.');
} catch (error) {
  fail(`could not read the account: ${(error as Error).message}`);
}

printPlan(plan, out);
if (plan.changes.length === 0) {
  out.push('', 'Nothing to change: the account already matches the catalog.');
} else if (args['dry-run']) {
  out.push('', `Dry run: ${count(plan.changes.length, 'change')} planned, nothing was changed.`);
} else {
  out.push('', 'Applying:');
  process.stdout.write(`${out.splice(0).join('\n')}\n`);
  for (const change of plan.changes) {
    try {
      const done = (await change.apply()) ?? [];
      process.stdout.write(`  ✓ ${change.summary}\n${done.map((l) => `      ${l}\n`).join('')}`);
    } catch (error) {
      // Every change is found again by the next run, so running again resumes from here.
      printEnding(plan, out);
      process.stdout.write(`${out.join('\n')}\n`);
      fail(`${change.summary} failed: ${(error as Error).message}. Fix it and run again.`);
    }
  }
  out.push(`Done: ${count(plan.changes.length, 'change')}.`);
}
printEnding(plan, out);
process.stdout.write(`${out.join('\n')}\n`);
process.exit(plan.problems.length > 0 ? 1 : 0);
