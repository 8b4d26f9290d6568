import type * as z from 'zod/v4/core';
import { safeParse } from 'zod/v4/core';
import { codeOfMessage } from '../../shared/index.ts';
import { AppError } from '../errors.ts';

/**
 * Parses with a shared schema (zod or zod/mini); the first problem's message, written in the
 * schema from shared/errors.ts, is the answer, with its code.
 */
export function parse<S extends z.$ZodType>(schema: S, value: unknown): z.output<S> {
  const result = safeParse(schema, value ?? {});
  if (result.success) return result.data;
  const message = result.error.issues[0]?.message;
  throw new AppError(message ? codeOfMessage(message) : 'invalid_request', message);
}
