import type { Router } from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import type { Core } from '../core.ts';
import { seed } from '../seed.ts';
import { clearStore } from '../store/store.ts';
import { readRawBody } from '../wire/raw-body.ts';

const Fault = z.object({
  count: z.number().int().min(0),
  kind: z.enum(['error500', 'rate_limit', 'timeout', 'drop']),
  path: z.string().optional(),
});

async function jsonBody<S extends z.ZodType>(ctx: Context, schema: S): Promise<z.output<S> | null> {
  const raw = await readRawBody(ctx.req);
  let parsed: unknown;
  try {
    parsed = raw ? JSON.parse(raw) : {};
  } catch {
    parsed = undefined;
  }
  const result = schema.safeParse(parsed);
  if (result.success) return result.data;
  ctx.status = 400;
  ctx.body = {
    error: result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
  };
  return null;
}

/** The `/_local` control API; its routes are listed in control-client.ts. */
export function controlRoutes(core: Core, router: Router): void {
  router.get('/now', (ctx) => {
    ctx.body = { now: core.clock.now(), offset: core.clock.offset };
  });

  router.post('/webhooks/hold', async (ctx) => {
    const body = await jsonBody(ctx, z.object({ on: z.boolean() }));
    if (!body) return;
    core.deliverer.hold(body.on);
    ctx.body = { held: core.deliverer.held };
  });

  router.post('/webhooks/deliver', async (ctx) => {
    const body = await jsonBody(
      ctx,
      z.object({ shuffle: z.boolean().optional(), duplicate: z.boolean().optional() }),
    );
    if (!body) return;
    ctx.body = { sent: await core.deliverer.deliverPending(body) };
  });

  router.get('/webhooks/deliveries', (ctx) => {
    ctx.body = { data: core.deliverer.list() };
  });

  router.post('/faults', async (ctx) => {
    const body = await jsonBody(ctx, Fault);
    if (!body) return;
    if (body.count === 0) core.faults.remove(body.kind, body.path);
    else core.faults.inject(body.kind, body.count, body.path);
    ctx.body = { pending: core.faults.pending() };
  });

  router.post('/reset', (ctx) => {
    core.faults.clear();
    core.deliverer.hold(false);
    clearStore(core.store);
    core.clock.reset();
    seed(core);
    ctx.body = {};
  });
}
