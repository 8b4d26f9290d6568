import type Stripe from 'stripe';

export interface WebhookEndpointInput {
  id: string;
  url: string;
  enabledEvents: string[];
  description: string | null;
  apiVersion: string | null;
  metadata: Record<string, string>;
  created: number;
}

export function buildWebhookEndpoint(input: WebhookEndpointInput): Stripe.WebhookEndpoint {
  return {
    id: input.id,
    object: 'webhook_endpoint',
    api_version: input.apiVersion,
    application: null,
    created: input.created,
    description: input.description,
    enabled_events: input.enabledEvents,
    livemode: false,
    metadata: input.metadata,
    status: 'enabled',
    url: input.url,
  };
}
