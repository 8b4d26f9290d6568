// POST /api/webhooks/stripe: mounted before the JSON body parser, because Stripe signs the exact bytes.
import Router from '@koa/router';
import getRawBody from 'raw-body';
import { AppError } from '../errors.ts';
import type { WebhookInbox } from '../services/webhook-inbox.ts';
import type { WebhookProcessor } from '../services/webhooks.ts';

export const WEBHOOK_PATH = '/api/webhooks/stripe';

export function webhookRoutes(deps: { webhooks: WebhookProcessor; inbox: WebhookInbox }): Router {
  const router = new Router();

  router.post(WEBHOOK_PATH, async (ctx) => {
    // Refused before the body is read: an unsigned sender may not hold a connection open.
    const signature = ctx.get('stripe-signature');
    if (!signature) throw new AppError('signature_missing');
    const answered = deps.inbox.arrive();
    try {
      const rawBody = await getRawBody(ctx.req, { limit: '1mb' }).catch(() => {
        throw new AppError('body_unreadable');
      });
      const event = deps.webhooks.verify(rawBody, signature);
      ctx.body = { received: true, outcome: await deps.inbox.receive(event, rawBody) };
    } finally {
      answered();
    }
  });

  return router;
}
