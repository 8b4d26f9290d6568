import { z } from 'zod';
import type { Core } from '../core.ts';
import { emitEvent } from '../domain/events.ts';
import type { PortalConfiguration } from '../objects/portal-configuration.ts';
import { buildPortalSession } from '../objects/portal-session.ts';
import { FlowDataParam, portalFlow } from '../domain/portal-flows.ts';
import { newId } from '../store/ids.ts';
import { invalidRequest } from '../wire/errors.ts';
import { expand, str } from '../wire/params.ts';
import { respond } from '../wire/respond.ts';
import { paramsOf, type ApiRouter } from '../wire/route.ts';
import { portalConfigurationRoutes } from './portal-configurations.ts';

const PortalSessionCreate = z.strictObject({
  customer: str,
  return_url: str.optional(),
  configuration: str.optional(),
  locale: str.optional(),
  flow_data: FlowDataParam.optional(),
  expand,
});

/** A portal link stays usable this long, enough for a demo and far shorter than a day. */
const PORTAL_LIFETIME = 60 * 60;

// Stripe's words when an account has never saved its portal settings, as integrations quote them
// ("No configuration provided and your live mode default configuration has not been created…");
// the local Stripe is always in test mode.
const NO_DEFAULT_CONFIGURATION =
  'No configuration provided and your test mode default configuration has not been created. ' +
  'Provide a configuration or create your default by saving your customer portal settings in ' +
  'test mode at https://dashboard.stripe.com/test/settings/billing/portal.';

export function billingPortalRoutes(core: Core, router: ApiRouter): void {
  const { store, clock } = core;
  portalConfigurationRoutes(core, router);

  /** The configuration a new session uses: the one asked for, else the account's default. */
  function configurationFor(id: string | undefined): PortalConfiguration {
    if (id === undefined) {
      const fallback = store.portalConfigurations.findBy('is_default', 1)[0];
      if (!fallback) throw invalidRequest(NO_DEFAULT_CONFIGURATION);
      return fallback;
    }
    const configuration = store.portalConfigurations.get(id);
    if (!configuration) {
      throw invalidRequest(`No such configuration: '${id}'`, 'resource_missing', 'configuration');
    }
    if (!configuration.active) {
      throw invalidRequest(
        `The configuration \`${id}\` is not active, so it cannot be used for portal sessions.`,
        undefined,
        'configuration',
      );
    }
    return configuration;
  }

  router.post('/v1/billing_portal/sessions', (ctx) => {
    const p = paramsOf(ctx, PortalSessionCreate);
    if (!store.customers.get(p.customer)) {
      throw invalidRequest(`No such customer: '${p.customer}'`, 'resource_missing', 'customer');
    }
    const configuration = configurationFor(p.configuration);
    const flow = p.flow_data ? portalFlow(core, p.customer, configuration, p.flow_data) : null;
    const id = newId('bps');
    const now = clock.now();
    const session = core.db.transaction(() => {
      const created = store.portalSessions.insert(
        buildPortalSession({
          id,
          configuration: configuration.id,
          customer: p.customer,
          url: `${core.publicUrl}/p/session/${id}`,
          returnUrl: p.return_url ?? null,
          locale: (p.locale as 'auto' | undefined) ?? null,
          flow,
          created: now,
        }),
        { expiresAt: now + PORTAL_LIFETIME },
      );
      emitEvent(core, 'billing_portal.session.created', created);
      return created;
    })();
    respond(ctx, session);
  });
}
