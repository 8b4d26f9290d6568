import { startLocalStripe } from './index.ts';

// `npm run stripe:local`: the local Stripe on its own, configured from the environment:
//   LOCAL_STRIPE_PORT (12111), LOCAL_STRIPE_HOST (127.0.0.1),
//   LOCAL_STRIPE_DATABASE_PATH (./data/local-stripe.sqlite), LOCAL_STRIPE_SECRET_KEY (sk_test_local),
//   LOCAL_STRIPE_PUBLISHABLE_KEY (pk_test_local), the key its Stripe.js stand-in is called with,
//   LOCAL_STRIPE_WEBHOOK_URL with LOCAL_STRIPE_WEBHOOK_SECRET (a whsec_ secret) to receive events,
//   LOCAL_STRIPE_SEED=false to start as a new Stripe account does: no catalog, no portal settings.
// Point the SDK at it with `new Stripe(key, { host, port, protocol: 'http' })`, and a page at its
// Stripe.js with `<script src="http://127.0.0.1:12111/endive/stripe.js">` before `loadStripe`.
const env = process.env;
const publishableKey = env['LOCAL_STRIPE_PUBLISHABLE_KEY'] ?? 'pk_test_local';
if (!publishableKey.startsWith('pk_test_')) {
  console.error('local-stripe: LOCAL_STRIPE_PUBLISHABLE_KEY must be a pk_test_ key');
  process.exit(1);
}
const webhookUrl = env['LOCAL_STRIPE_WEBHOOK_URL'];
const webhookSecret = env['LOCAL_STRIPE_WEBHOOK_SECRET'];
if (webhookUrl && !webhookSecret) {
  console.error(
    'local-stripe: LOCAL_STRIPE_WEBHOOK_URL needs LOCAL_STRIPE_WEBHOOK_SECRET (whsec_…)',
  );
  process.exit(1);
}

const seedSetting = env['LOCAL_STRIPE_SEED'] ?? 'true';
if (seedSetting !== 'true' && seedSetting !== 'false') {
  console.error('local-stripe: LOCAL_STRIPE_SEED must be true or false');
  process.exit(1);
}

const stripe = await startLocalStripe({
  port: Number(env['LOCAL_STRIPE_PORT'] ?? 12111),
  host: env['LOCAL_STRIPE_HOST'] ?? '127.0.0.1',
  databasePath: env['LOCAL_STRIPE_DATABASE_PATH'] ?? './data/local-stripe.sqlite',
  webhookEndpoints: webhookUrl && webhookSecret ? [{ url: webhookUrl, secret: webhookSecret }] : [],
  seed: seedSetting === 'true',
  publishableKey,
});

console.log(
  `local-stripe: listening on ${stripe.url} (secret key ${stripe.secretKey}, publishable key ${stripe.publishableKey}, Stripe.js at ${stripe.stripeJsUrl})`,
);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void stripe.close().then(() => process.exit(0));
  });
}
