// The demo: its pages at the server's root and a sign-in that exists only while the demo runs.
import Router from '@koa/router';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { AccessTokens, type AccessTokenOptions } from '../http/auth.ts';
import { AppError } from '../errors.ts';
import type { LocalStripe } from '@tilldrop/local-stripe';

const DEMO_DIR = fileURLToPath(new URL('../../demo/', import.meta.url));
const DEMO_USER = /^[a-z0-9-]{1,32}$/;

const PAGES: Record<string, string> = {
  '/': 'index.html',
  '/subscription/success': 'success.html',
  '/subscription': 'subscription.html',
  '/account': 'account.html',
};

const DEMO_SESSION_SECONDS = 8 * 60 * 60;

/**
 * Only with the bundled local Stripe, which production never starts: a demo that signs anyone in
 * must never run beside real payments.
 */
export function demoRoutes(context: {
  authSecret: string;
  accessTokens?: AccessTokenOptions;
  localStripe?: LocalStripe;
}): Router[] {
  if (!context.localStripe) return [];
  const tokens = new AccessTokens(context.authSecret, context.accessTokens);
  const router = new Router();

  router.post('/demo/session', async (ctx) => {
    const userId = (ctx.request.body as { userId?: unknown } | undefined)?.userId;
    if (typeof userId !== 'string' || !DEMO_USER.test(userId)) {
      throw new AppError(
        'invalid_request',
        'userId must be 1 to 32 lower-case letters, digits or dashes',
      );
    }
    const token = await tokens.sign(userId, Math.min(DEMO_SESSION_SECONDS, tokens.maxAgeSeconds));
    ctx.cookies.set('access_token', token, { httpOnly: true, sameSite: 'lax', overwrite: true });
    ctx.body = { userId };
  });

  for (const [path, file] of Object.entries(PAGES)) {
    router.get(path, async (ctx) => {
      ctx.type = 'text/html; charset=utf-8';
      ctx.body = await readFile(join(DEMO_DIR, file)).catch(() => {
        throw new AppError('route_not_found', 'No such demo page');
      });
    });
  }
  router.get('/demo/:file', async (ctx) => {
    const file = ctx.params.file!;
    if (!/^[\w-]+\.(css|js)$/.test(file))
      throw new AppError('route_not_found', 'No such demo file');
    ctx.type = file.endsWith('.css') ? 'text/css; charset=utf-8' : 'text/javascript; charset=utf-8';
    ctx.body = await readFile(join(DEMO_DIR, file)).catch(() => {
      throw new AppError('route_not_found', 'No such demo file');
    });
  });
  return [router];
}
