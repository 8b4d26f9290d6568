import type { Middleware } from 'koa';
import type { Db } from '../store/db.ts';
import { StripeApiError } from './errors.ts';

interface Saved {
  fingerprint: string;
  status: number;
  body: string;
}

/**
 * Stripe's idempotency: a key seen before with the same parameters replays the first response
 * byte for byte; with different parameters it is refused. Keys are scoped to the API key and the
 * request path. Responses to requests that failed validation are not saved, as on Stripe.
 */
export function idempotency(db: Db): Middleware {
  db.exec(`CREATE TABLE IF NOT EXISTS idempotency_keys (
    scope TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, status INTEGER NOT NULL, body TEXT NOT NULL
  )`);
  const find = db.prepare<[string], Saved>(
    `SELECT fingerprint, status, body FROM idempotency_keys WHERE scope = ?`,
  );
  const save = db.prepare(
    `INSERT OR IGNORE INTO idempotency_keys (scope, fingerprint, status, body)
     VALUES (@scope, @fingerprint, @status, @body)`,
  );
  return async (ctx, next) => {
    const key = ctx.get('idempotency-key');
    if (!key || ctx.method === 'GET') return next();
    const scope = `${ctx.get('authorization')} ${ctx.method} ${ctx.path} ${key}`;
    const fingerprint = JSON.stringify(ctx.state.params);
    const saved = find.get(scope);
    if (saved) {
      if (saved.fingerprint !== fingerprint) {
        throw new StripeApiError(400, {
          type: 'idempotency_error',
          message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
        });
      }
      ctx.status = saved.status;
      ctx.type = 'application/json';
      ctx.set('Idempotent-Replayed', 'true');
      ctx.body = saved.body;
      return;
    }
    try {
      await next();
    } catch (error) {
      if (error instanceof StripeApiError && error.status === 402) {
        save.run({
          scope,
          fingerprint,
          status: 402,
          body: JSON.stringify({ error: error.body }, null, 2),
        });
      }
      throw error;
    }
    if (typeof ctx.body === 'string' && ctx.status < 400) {
      save.run({ scope, fingerprint, status: ctx.status, body: ctx.body });
    }
    ctx.set('Idempotency-Key', key);
  };
}
