import type { Router } from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import type { Core } from '../core.ts';
import { completeSession } from '../domain/checkout-complete.ts';
import { DEFAULT_TEST_CARD } from '../domain/cards.ts';
import { closeDispute, escalateInquiry, openDispute } from '../domain/disputes.ts';
import { pauseSubscription } from '../domain/pauses.ts';
import { failRefund, REFUND_FAILURE_REASONS } from '../domain/refunds.ts';
import { tick } from '../domain/tick.ts';
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

/** The object, or a 404 naming what was looked for. */
function found<T>(
  ctx: Context,
  name: string,
  id: string,
  lookup: { get(id: string): T | undefined },
) {
  const object = lookup.get(id);
  if (object === undefined) {
    ctx.status = 404;
    ctx.body = { error: `No such ${name}: '${id}'` };
  }
  return object;
}

/** Runs a change in one transaction; a refused change answers 400 and writes nothing. */
function act(core: Core, ctx: Context, change: () => unknown): void {
  try {
    ctx.body = core.db.transaction(change)();
  } catch (error) {
    ctx.status = 400;
    ctx.body = { error: error instanceof Error ? error.message : String(error) };
  }
}

/** The `/_local` control API; its routes are listed in control-client.ts. */
export function controlRoutes(core: Core, router: Router): void {
  router.get('/now', (ctx) => {
    ctx.body = { now: core.clock.now(), offset: core.clock.offset };
  });

  router.post('/clock/advance', async (ctx) => {
    const body = await jsonBody(ctx, z.object({ seconds: z.number().int().min(0) }));
    if (!body) return;
    core.clock.advance(body.seconds);
    const report = tick(core);
    ctx.body = { now: core.clock.now(), ...report };
  });

  router.post('/sessions/:id/complete', async (ctx) => {
    const body = await jsonBody(
      ctx,
      z.object({
        card: z.string().optional(),
        email: z.string().optional(),
        name: z.string().optional(),
      }),
    );
    if (!body) return;
    const id = ctx.params['id']!;
    const session = core.store.checkoutSessions.get(id);
    if (!session) {
      ctx.status = 404;
      ctx.body = {
        ok: false,
        code: 'resource_missing',
        message: `No such checkout.session: '${id}'`,
      };
      return;
    }
    const customer =
      typeof session.customer === 'string' ? core.store.customers.get(session.customer) : undefined;
    const result = completeSession(core, id, {
      email:
        body.email ??
        customer?.email ??
        session.customer_email ??
        `buyer+${id.slice(-8)}@example.com`,
      name: body.name ?? customer?.name ?? null,
      number: body.card ?? DEFAULT_TEST_CARD,
      expMonth: 12,
      expYear: new Date(core.clock.now() * 1000).getUTCFullYear() + 5,
      cvc: '123',
    });
    if (result.ok) {
      ctx.body = { ok: true, redirect_url: result.redirectUrl };
    } else {
      ctx.status = 402;
      ctx.body = { ok: false, code: result.code, message: result.message };
    }
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

  router.post('/customers/:id/card', async (ctx) => {
    const body = await jsonBody(ctx, z.object({ card: z.string().min(12) }));
    if (!body) return;
    const id = ctx.params['id']!;
    const customer = core.store.customers.get(id);
    if (!customer) {
      ctx.status = 404;
      ctx.body = { error: `No such customer: '${id}'` };
      return;
    }
    core.store.customers.update(customer, { card: body.card.replace(/[\s-]/g, '') });
    ctx.body = { customer: id, card: body.card };
  });

  router.post('/charges/:id/dispute', async (ctx) => {
    const body = await jsonBody(
      ctx,
      z.object({ reason: z.string().optional(), inquiry: z.boolean().optional() }),
    );
    if (!body) return;
    const charge = found(ctx, 'charge', ctx.params['id']!, core.store.charges);
    if (!charge) return;
    const options = { reason: body.reason ?? 'fraudulent', inquiry: body.inquiry ?? false };
    act(core, ctx, () => openDispute(core, charge, options));
  });

  router.post('/disputes/:id/close', async (ctx) => {
    const body = await jsonBody(ctx, z.object({ outcome: z.enum(['won', 'lost']) }));
    if (!body) return;
    const dispute = found(ctx, 'dispute', ctx.params['id']!, core.store.disputes);
    if (!dispute) return;
    act(core, ctx, () => closeDispute(core, dispute, body.outcome));
  });

  router.post('/disputes/:id/escalate', (ctx) => {
    const dispute = found(ctx, 'dispute', ctx.params['id']!, core.store.disputes);
    if (!dispute) return;
    act(core, ctx, () => escalateInquiry(core, dispute));
  });

  router.post('/refunds/:id/fail', async (ctx) => {
    const body = await jsonBody(
      ctx,
      z.object({ failure_reason: z.enum(REFUND_FAILURE_REASONS).optional() }),
    );
    if (!body) return;
    const refund = found(ctx, 'refund', ctx.params['id']!, core.store.refunds);
    if (!refund) return;
    act(core, ctx, () =>
      failRefund(core, refund, body.failure_reason ?? 'expired_or_canceled_card'),
    );
  });

  // Stands in for a trial that ends without a payment method under
  // `trial_settings.end_behavior.missing_payment_method: pause`: the local Stripe has no trials.
  router.post('/subscriptions/:id/pause', (ctx) => {
    const subscription = found(ctx, 'subscription', ctx.params['id']!, core.store.subscriptions);
    if (!subscription) return;
    act(core, ctx, () => pauseSubscription(core, subscription, 'trial_end_without_payment_method'));
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
