import { z } from 'zod';
import { invalidRequest, parameterInvalid, parameterMissing, parameterUnknown } from './errors.ts';
import type { FormObject } from './form.ts';

// Every value arrives as a string, so each schema here reads Stripe's spelling of its type.

export const str = z.string();

export const int = z
  .string()
  .regex(/^-?\d+$/, 'Invalid integer')
  .transform(Number);

export const bool = z.enum(['true', 'false']).transform((v) => v === 'true');

/**
 * A refusal worded by Stripe rather than derived from the schema: `parseParams` sends the message
 * as it is, with the param the check sits on.
 */
function refuse(ctx: z.RefinementCtx, message: string): void {
  ctx.addIssue({ code: 'custom', message, params: { stripe: true } });
}

/** Long values are quoted by their first and last ten characters, as Stripe quotes them. */
function quoted(value: string): string {
  return value.length > 20 ? `${value.slice(0, 10)}...${value.slice(-10)}` : value;
}

/**
 * A string of at most `max` characters. Stripe's wording, e.g. for a long client_reference_id:
 * "Invalid string: BAh7CEkiCG...7b80c2b880; must be at most 200 characters" (pay-rails/pay#670).
 */
export function maxString(max: number) {
  return z.string().superRefine((value, ctx) => {
    if (value.length > max) {
      refuse(ctx, `Invalid string: ${quoted(value)}; must be at most ${max} characters`);
    }
  });
}

/**
 * An array of at most `max` items: "Array lookup_keys exceeded maximum 10 allowed elements."
 * (stripe/stripe-node#2089, the live API's answer to eleven price lookup keys).
 */
export function maxItems<T extends z.ZodType>(item: T, max: number, name: string) {
  return z.array(item).superRefine((items, ctx) => {
    if (items.length > max) {
      refuse(ctx, `Array ${name} exceeded maximum ${max} allowed elements.`);
    }
  });
}

export const METADATA_MAX_KEYS = 50;
const METADATA_MAX_KEY_LENGTH = 40;
const METADATA_MAX_VALUE_LENGTH = 500;

/**
 * Stripe's metadata limits (docs.stripe.com/metadata: 50 keys, keys up to 40 characters, values
 * up to 500), worded as the live API words them; the key and value messages are quoted from
 * live refusals in public bug reports, the key count from one ("…up to 50 keys, but you've set 52").
 */
function checkMetadata(entries: Record<string, string>, ctx: z.RefinementCtx): void {
  for (const [key, value] of Object.entries(entries)) {
    if (key.length > METADATA_MAX_KEY_LENGTH) {
      return refuse(
        ctx,
        `Metadata keys can have up to ${METADATA_MAX_KEY_LENGTH} characters, but you passed in a key that is ${key.length} characters. Invalid key: ${key}`,
      );
    }
    if (value.length > METADATA_MAX_VALUE_LENGTH) {
      return refuse(
        ctx,
        `Metadata values can have up to ${METADATA_MAX_VALUE_LENGTH} characters, but you passed in a value that is ${value.length} characters. Invalid value: ${value}`,
      );
    }
  }
  const count = Object.keys(entries).length;
  if (count > METADATA_MAX_KEYS) refuse(ctx, tooManyKeys(count));
}

function tooManyKeys(count: number): string {
  return `Metadata can have up to ${METADATA_MAX_KEYS} keys, but you've set ${count}`;
}

/**
 * `metadata[key]=value`; an empty value removes the key, `metadata=` clears them all. Every
 * endpoint that takes metadata takes it through this schema, so every one enforces the limits.
 */
export const metadata = z.union([
  z.literal(''),
  z.record(z.string(), z.string()).superRefine(checkMetadata),
]);

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
  if (issue.code === 'custom' && issue.params?.['stripe'] === true) {
    throw invalidRequest(issue.message, undefined, paramName(issue.path));
  }
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
  // An update can stay under the limit by itself and still push the object past it.
  const count = Object.keys(next).length;
  if (count > METADATA_MAX_KEYS) throw invalidRequest(tooManyKeys(count), undefined, 'metadata');
  return next;
}
