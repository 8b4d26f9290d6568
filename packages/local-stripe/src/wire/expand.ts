import { invalidRequest } from './errors.ts';

/**
 * Looks up what a field's id stands for. `parent` is the object holding the field, for fields such
 * as a session's `line_items` that are not ids at all. Undefined means the field cannot be expanded.
 */
export type Resolver = (field: string, value: unknown, parent: Record<string, unknown>) => unknown;

type Json = Record<string, unknown>;

/**
 * Fields Stripe leaves out unless asked for by `expand[]`, by the object that holds them. A coupon's
 * `applies_to` is one: "applies_to is an expandable field, meaning that it's not included in the
 * response by default" (stripe/stripe-node#2234). A charge's `refunds` is another, since
 * 2022-11-15: "The Charge object no longer auto-expands refunds" (Stripe's changelog,
 * deprecates-charges-auto-expand), in answers and in events alike. They are stored, and dropped
 * on the way out.
 */
const INCLUDABLE: Record<string, readonly string[]> = {
  coupon: ['applies_to'],
  charge: ['refunds'],
};

function isIncludable(target: Json, field: string): boolean {
  return INCLUDABLE[String(target['object'])]?.includes(field) ?? false;
}

function cannotExpand(path: string): never {
  throw invalidRequest(`This property cannot be expanded (${path}).`);
}

function expandPath(
  target: Json,
  segments: string[],
  resolve: Resolver,
  fullPath: string,
  included: Set<Json>,
): void {
  const [field, ...rest] = segments as [string, ...string[]];
  if (isIncludable(target, field)) {
    // Nothing to resolve: the value is stored, and an object without one simply has none.
    included.add(target);
    if (target[field] === undefined || rest.length === 0) return;
  }
  let value = target[field];
  if (typeof value === 'string' || value === undefined) {
    const resolved = resolve(field, value, target);
    if (resolved === undefined) cannotExpand(fullPath);
    value = resolved;
    target[field] = value;
  }
  if (rest.length === 0 || value === null || typeof value !== 'object') return;
  const children = Array.isArray(value) ? value : [value];
  for (const child of children) {
    if (child && typeof child === 'object') {
      expandPath(child as Json, rest, resolve, fullPath, included);
    }
  }
}

/** Drops every includable field that no `expand[]` path asked for. */
export function withoutUnrequested<T>(value: T, included: ReadonlySet<object> = new Set()): T {
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (node === null || typeof node !== 'object') return;
    const object = node as Json;
    if (!included.has(object)) {
      for (const field of INCLUDABLE[String(object['object'])] ?? []) delete object[field];
    }
    Object.values(object).forEach(visit);
  };
  visit(value);
  return value;
}

/** Applies `expand[]` paths to a copy of the object; `data.` paths apply to a list's items. */
export function expandObject<T>(
  object: T,
  paths: readonly string[] | undefined,
  resolve: Resolver,
): T {
  const copy = JSON.parse(JSON.stringify(object)) as Json;
  const included = new Set<Json>();
  for (const path of paths ?? []) {
    const segments = path.split('.');
    if (segments.length > 4) {
      throw invalidRequest(
        `You cannot expand more than 4 levels of a property. Property: ${path}`,
        undefined,
        'expand',
      );
    }
    expandPath(copy, segments, resolve, path, included);
  }
  return withoutUnrequested(copy as T, included);
}
