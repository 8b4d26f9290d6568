import type Stripe from 'stripe';
import { z } from 'zod';
import type { Core } from '../core.ts';
import { buildWebhookEndpoint } from '../objects/webhook-endpoint.ts';
import { newId, newWebhookSecret } from '../store/ids.ts';
import { invalidRequest, noSuch } from '../wire/errors.ts';
import { listOf } from '../wire/list.ts';
import { bool, expand, listParams, mergeMetadata, metadata, str } from '../wire/params.ts';
import { respond } from '../wire/respond.ts';
import { Retrieve } from '../wire/retrieve.ts';
import { idParam, paramsOf, type ApiRouter } from '../wire/route.ts';
import { API_VERSION_FORMAT } from '../wire/versions.ts';

const EndpointCreate = z.strictObject({
  url: str,
  enabled_events: z.array(str),
  description: str.optional(),
  // Events are rendered in this version; without one, in the account's default version, and the
  // endpoint's `api_version` stays null as on Stripe.
  api_version: str.regex(API_VERSION_FORMAT).optional(),
  metadata: metadata.optional(),
  expand,
});

const EndpointUpdate = z.strictObject({
  url: str.optional(),
  enabled_events: z.array(str).optional(),
  description: str.optional(),
  disabled: bool.optional(),
  metadata: metadata.optional(),
  expand,
});

function checkUrl(url: string, param: string): void {
  if (!/^https?:\/\/[^\s]+$/.test(url)) {
    throw invalidRequest(`Invalid URL: ${url}`, 'url_invalid', param);
  }
}

export function webhookEndpointRoutes(core: Core, router: ApiRouter): void {
  const { store, clock } = core;

  function live(id: string): Stripe.WebhookEndpoint {
    const endpoint = store.webhookEndpoints.get(id);
    if (!endpoint || store.webhookEndpoints.internal(id)?.deleted)
      throw noSuch('webhook_endpoint', id);
    return endpoint;
  }

  router.post('/v1/webhook_endpoints', (ctx) => {
    const p = paramsOf(ctx, EndpointCreate);
    checkUrl(p.url, 'url');
    const secret = newWebhookSecret();
    const endpoint = store.webhookEndpoints.insert(
      buildWebhookEndpoint({
        id: newId('we'),
        url: p.url,
        enabledEvents: p.enabled_events,
        description: p.description ?? null,
        apiVersion: p.api_version ?? null,
        metadata: mergeMetadata({}, p.metadata),
        created: clock.now(),
      }),
      { secret },
    );
    // As on Stripe, the secret is shown once, when the endpoint is created.
    respond(ctx, { ...endpoint, secret } satisfies Stripe.WebhookEndpoint);
  });

  router.get('/v1/webhook_endpoints/:id', (ctx) => {
    paramsOf(ctx, Retrieve);
    const endpoint = live(idParam(ctx));
    respond(ctx, endpoint);
  });

  router.post('/v1/webhook_endpoints/:id', (ctx) => {
    const p = paramsOf(ctx, EndpointUpdate);
    const endpoint = live(idParam(ctx));
    if (p.url) checkUrl(p.url, 'url');
    const updated = store.webhookEndpoints.update({
      ...endpoint,
      url: p.url ?? endpoint.url,
      enabled_events: p.enabled_events ?? endpoint.enabled_events,
      description: p.description ?? endpoint.description,
      status: p.disabled === undefined ? endpoint.status : p.disabled ? 'disabled' : 'enabled',
      metadata: mergeMetadata(endpoint.metadata, p.metadata),
    });
    respond(ctx, updated);
  });

  router.del('/v1/webhook_endpoints/:id', (ctx) => {
    const endpoint = live(idParam(ctx));
    const state = store.webhookEndpoints.internal(endpoint.id)!;
    store.webhookEndpoints.update({ ...endpoint, status: 'disabled' }, { ...state, deleted: true });
    respond(ctx, { id: endpoint.id, object: 'webhook_endpoint', deleted: true });
  });

  router.get('/v1/webhook_endpoints', (ctx) => {
    const p = paramsOf(ctx, z.strictObject(listParams));
    const list = listOf('/v1/webhook_endpoints', store.webhookEndpoints, p, {
      filter: (e) => !store.webhookEndpoints.internal(e.id)?.deleted,
    });
    respond(ctx, list);
  });
}
