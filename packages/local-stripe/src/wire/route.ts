import type { Router } from '@koa/router';
import type { Context } from 'koa';
import type { z } from 'zod';
import type { FormObject } from './form.ts';
import { parseParams } from './params.ts';

export type ApiRouter = Router;

/** The request's parameters (form body or query string), checked against the endpoint's schema. */
export function paramsOf<S extends z.ZodType>(ctx: Context, schema: S): z.output<S> {
  return parseParams(schema, (ctx.state as { params: FormObject }).params);
}

export function idParam(ctx: Context, name = 'id'): string {
  return String((ctx as Context & { params: Record<string, string> }).params[name]);
}
