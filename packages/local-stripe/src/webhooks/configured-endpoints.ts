import type { Core } from '../core.ts';
import { buildWebhookEndpoint } from '../objects/webhook-endpoint.ts';
import { newId } from '../store/ids.ts';

/** Endpoints given at start (e.g. LOCAL_STRIPE_WEBHOOK_URL): one per URL, its secret kept current. */
export function registerEndpoints(core: Core, endpoints: { url: string; secret: string }[]): void {
  const { store, clock } = core;
  core.db.transaction(() => {
    for (const { url, secret } of endpoints) {
      const existing = store.webhookEndpoints.all().find((e) => e.url === url);
      if (existing) {
        store.webhookEndpoints.update(existing, { secret });
        continue;
      }
      store.webhookEndpoints.insert(
        buildWebhookEndpoint({
          id: newId('we'),
          url,
          enabledEvents: ['*'],
          description: 'Configured when the local Stripe started',
          apiVersion: null,
          metadata: {},
          created: clock.now(),
        }),
        { secret },
      );
    }
  })();
}
