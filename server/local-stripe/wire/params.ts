import { z } from 'zod';
import { parameterInvalid, parameterMissing, parameterUnknown } from './errors.ts';
import type { FormObject } from './form.ts';

// Every value arrives as a string, so each schema here reads Stripe's spelling of its type.

export const str = z.string();

export const int = z
  .string()
  .regex(/^-?\d+$/, 'Invalid integer')
  .transform(Number);

export const bool = z.enum(['true', 'false']).transform((v) => v === 'true');

/** `metadata[key]=value`; an empty value removes the key, `metadata=` clears them all. */
export const metadata = z.union([z.literal(''), z.record(z.string(), z.string())]);

export const expand = z.array(z.string()).optional();

export const range = z.union([
  int,
  z.strictObject({
    gt: int.optional(),
    gte: int.optional(),
    lt: int.optional(),
    lte: int.optional(),
  }),
]);

export const listParams = {
  limit: int.optional(),
  starting_after: str.optional(),
  ending_before: str.optional(),
  expand,
};

export type Range = z.infer<typeof range>;

export function inRange(value: number, filter: Range | undefined): boolean {
  if (filter === undefined) return true;
  if (typeof filter === 'number') return value === filter;
  return (
    (filter.gt === undefined || value > filter.gt) &&
    (filter.gte === undefined || value >= filter.gte) &&
    (filter.lt === undefined || value < filter.lt) &&
    (filter.lte === undefined || value <= filter.lte)
  );
}

export function paramName(path: readonly PropertyKey[]): string {
  const [head, ...rest] = path.map(String);
  return `${head ?? ''}${rest.map((p) => `[${p}]`).join('')}`;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/** Validates a request against its schema, failing the way Stripe does on the first bad param. */
export function parseParams<S extends z.ZodType>(schema: S, input: FormObject): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  if (issue.code === 'unrecognized_keys') {
    throw parameterUnknown(paramName([...issue.path, issue.keys[0]!]));
  }
  const param = paramName(issue.path);
  const value = valueAt(input, issue.path);
  if (value === undefined) throw parameterMissing(param);
  if (issue.message === 'Invalid integer') {
    throw parameterInvalid(param, `Invalid integer: ${String(value)}`, 'parameter_invalid_integer');
  }
  if (issue.code === 'invalid_value' && 'values' in issue) {
    const values = issue.values.map(String);
    const choices =
      values.length > 1 ? `${values.slice(0, -1).join(', ')}, or ${values.at(-1)}` : values[0];
    throw parameterInvalid(param, `Invalid ${param}: must be one of ${choices}`);
  }
  if (issue.code === 'invalid_type' && issue.expected === 'object') {
    throw parameterInvalid(param, `Invalid object`);
  }
  if (issue.code === 'invalid_type' && issue.expected === 'array') {
    throw parameterInvalid(param, `Invalid array`);
  }
  throw parameterInvalid(param, `Invalid ${param}: ${issue.message}`);
}

/** Applies Stripe's metadata update rules to the stored metadata. */
export function mergeMetadata(
  current: Record<string, string>,
  update: z.infer<typeof metadata> | undefined,
): Record<string, string> {
  if (update === undefined) return current;
  if (update === '') return {};
  const next = { ...current };
  for (const [key, value] of Object.entries(update)) {
    if (value === '') delete next[key];
    else next[key] = value;
  }
  return next;
}
