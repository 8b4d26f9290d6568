// `npm run reconcile`: applies events missed since the last one processed (e.g. after downtime).
import { parseEnv } from '../server/config.ts';
import { createServices } from '../server/services/index.ts';
import { reconcile } from '../server/services/reconcile.ts';
import { createStripeClient, stripeTargetFromEnv } from '../server/stripe/client.ts';
import { openStorage } from '../server/storage/index.ts';

const env = parseEnv(process.env);
const stripe = createStripeClient(stripeTargetFromEnv(env));
const storage = await openStorage({ url: env.DATABASE_URL, path: env.DATABASE_PATH });
const { webhooks } = createServices(stripe, storage, {
  catalog: env.catalog,
  priceIds: env.priceIds,
  appUrl: env.APP_URL ?? `http://localhost:${env.PORT}`,
  allowedOrigins: env.ALLOWED_ORIGINS,
  webhookSecrets: [],
});
const report = await reconcile(stripe, webhooks);
await storage.close();
process.stdout.write(
  `Reconciled: ${report.processed} applied, ${report.duplicate} already applied, ${report.ignored} not relevant.\n`,
);
