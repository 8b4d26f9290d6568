import type * as z from 'zod/v4/core';
import { safeParse } from 'zod/v4/core';
import { badRequest } from '../errors.ts';

/**
 * Parses with a shared schema (zod or zod/mini); the first problem's message, written in the
 * schema, is the answer.
 */
export function parse<S extends z.$ZodType>(schema: S, value: unknown): z.output<S> {
  const result = safeParse(schema, value ?? {});
  if (result.success) return result.data;
  throw badRequest(result.error.issues[0]?.message ?? 'Invalid request', 'validation_failed');
}
