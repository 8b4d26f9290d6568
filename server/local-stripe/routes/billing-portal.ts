import { z } from 'zod';
import type { Core } from '../core.ts';
import { emitEvent } from '../domain/events.ts';
import { buildPortalSession } from '../objects/portal-session.ts';
import { newId } from '../store/ids.ts';
import { invalidRequest } from '../wire/errors.ts';
import { expand, str } from '../wire/params.ts';
import { respond } from '../wire/respond.ts';
import { paramsOf, type ApiRouter } from '../wire/route.ts';

const PortalSessionCreate = z.strictObject({
  customer: str,
  return_url: str.optional(),
  configuration: str.optional(),
  locale: str.optional(),
  expand,
});

/** A portal link stays usable this long, enough for a demo and far shorter than a day. */
const PORTAL_LIFETIME = 60 * 60;

export function billingPortalRoutes(core: Core, router: ApiRouter): void {
  const { store, clock } = core;

  router.post('/v1/billing_portal/sessions', (ctx) => {
    const p = paramsOf(ctx, PortalSessionCreate);
    if (!store.customers.get(p.customer)) {
      throw invalidRequest(`No such customer: '${p.customer}'`, 'resource_missing', 'customer');
    }
    const id = newId('bps');
    const now = clock.now();
    const session = core.db.transaction(() => {
      const created = store.portalSessions.insert(
        buildPortalSession({
          id,
          customer: p.customer,
          url: `${core.publicUrl}/p/session/${id}`,
          returnUrl: p.return_url ?? null,
          locale: (p.locale as 'auto' | undefined) ?? null,
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
