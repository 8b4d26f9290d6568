// Urlencoded form bodies for the hosted pages, capped so a page cannot be made to buffer megabytes.
import { bodyParser } from '@koa/bodyparser';
import type { Context } from 'koa';

export const formBody = bodyParser({ enableTypes: ['form'], formLimit: '16kb' });

/** A form field as one trimmed string; repeated or nested fields (`a[b]=`) count as absent. */
export function formField(ctx: Context, name: string): string {
  const body = ctx.request.body;
  if (typeof body !== 'object' || body === null) return '';
  const value: unknown = (body as Record<string, unknown>)[name];
  return typeof value === 'string' ? value.trim() : '';
}
