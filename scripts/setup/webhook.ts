// The webhook endpoint that tells the server about payments, renewals, refunds and disputes.
import type Stripe from 'stripe';
import { HANDLED_EVENTS } from '../../server/stripe/handled-events.ts';
import { STRIPE_API_VERSION } from '../../server/stripe/client.ts';
import { sameMembers, type Planning } from './plan.ts';

export const WEBHOOK_SETTING = 'STRIPE_WEBHOOK_SECRET';

const ROLL_SECRET =
  "Stripe shows an endpoint's signing secret only when it creates the endpoint, so it cannot be printed again: keep the STRIPE_WEBHOOK_SECRET you saved then. To replace it, roll it in the Dashboard (Developers → Webhooks → the endpoint → Roll secret) and set both secrets, comma-separated, until the old one expires.";

async function endpointsAt(stripe: Stripe, url: string): Promise<Stripe.WebhookEndpoint[]> {
  const found: Stripe.WebhookEndpoint[] = [];
  for await (const endpoint of stripe.webhookEndpoints.list({ limit: 100 })) {
    if (endpoint.url === url) found.push(endpoint);
  }
  return found;
}

export async function planWebhook({ stripe, plan }: Planning, url: string): Promise<void> {
  const events = [...HANDLED_EVENTS];
  const endpoints = await endpointsAt(stripe, url);
  const current = endpoints.find((e) => e.api_version === STRIPE_API_VERSION);
  for (const other of endpoints.filter((e) => e !== current)) {
    // Stripe cannot change an endpoint's version, and a second endpoint for the same URL would
    // deliver every event twice, once in each version.
    plan.problems.push(
      `webhook endpoint ${other.id} for ${url} sends events in API version ${other.api_version ?? "the account's default"}, and the server reads ${STRIPE_API_VERSION}. Stripe cannot change an endpoint's version: delete ${other.id} (Dashboard → Developers → Webhooks, or DELETE /v1/webhook_endpoints/${other.id}) and run this again to create one in the server's version.`,
    );
  }
  if (endpoints.length > 0 && !current) return;

  if (!current) {
    plan.changes.push({
      summary: `create webhook endpoint ${url}: ${events.length} event types, API version ${STRIPE_API_VERSION}`,
      apply: async () => {
        const created = await stripe.webhookEndpoints.create({
          url,
          enabled_events: events,
          api_version: STRIPE_API_VERSION,
          description: 'Tilldrop',
        });
        // Stripe shows the secret in this one response and never again.
        if (created.secret) plan.settings.set(WEBHOOK_SETTING, created.secret);
        return [
          `created webhook endpoint ${created.id}; its signing secret is below: save it now, Stripe will not show it again`,
        ];
      },
    });
    return;
  }

  plan.notes.push(`webhook endpoint ${current.id}: ${ROLL_SECRET}`);
  const disabled = current.status !== 'enabled';
  if (sameMembers(current.enabled_events, events) && !disabled) {
    plan.unchanged.push(
      `webhook endpoint ${url} (${current.id}): ${events.length} event types, API version ${STRIPE_API_VERSION}`,
    );
    return;
  }
  plan.changes.push({
    summary: `update webhook endpoint ${url} (${current.id}): ${disabled ? 'enable it, ' : ''}subscribe to exactly the ${events.length} event types the server handles`,
    apply: async () => {
      await stripe.webhookEndpoints.update(current.id, { enabled_events: events, disabled: false });
    },
  });
}
