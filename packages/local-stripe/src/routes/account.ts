import { z } from 'zod';
import type { Core } from '../core.ts';
import type { Db } from '../store/db.ts';
import { newId } from '../store/ids.ts';
import { respond } from '../wire/respond.ts';
import { paramsOf, type ApiRouter } from '../wire/route.ts';

const AccountRetrieve = z.strictObject({ expand: z.array(z.string()).optional() });

/**
 * `GET /v1/account`: the account the secret key belongs to. Each local Stripe database is one
 * account, so a server that meets a fresh database sees another account's id, as it would after
 * switching keys at real Stripe.
 */
export function accountRoutes(core: Core, router: ApiRouter): void {
  router.get('/v1/account', (ctx) => {
    paramsOf(ctx, AccountRetrieve);
    respond(ctx, {
      id: accountId(core.db),
      object: 'account',
      business_profile: { name: 'Local Stripe', url: null, support_email: null },
      business_type: null,
      charges_enabled: true,
      country: 'US',
      created: core.clock.now(),
      default_currency: 'usd',
      details_submitted: true,
      email: null,
      metadata: {},
      payouts_enabled: true,
      settings: { dashboard: { display_name: 'Local Stripe', timezone: 'Etc/UTC' } },
      type: 'standard',
    });
  });
}

/** Made once per database and kept in its meta table. */
export function accountId(db: Db): string {
  const row = db.prepare(`SELECT value FROM meta WHERE key = 'account_id'`).get() as
    { value: string } | undefined;
  if (row) return row.value;
  const id = newId('acct', 16);
  db.prepare(`INSERT INTO meta (key, value) VALUES ('account_id', ?)`).run(id);
  return id;
}
