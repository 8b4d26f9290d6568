import { invalidRequest } from './errors.ts';

/**
 * Looks up what a field's id stands for. `parent` is the object holding the field, for fields such
 * as a session's `line_items` that are not ids at all. Undefined means the field cannot be expanded.
 */
export type Resolver = (field: string, value: unknown, parent: Record<string, unknown>) => unknown;

function cannotExpand(path: string): never {
  throw invalidRequest(`This property cannot be expanded (${path}).`);
}

function expandPath(
  target: Record<string, unknown>,
  segments: string[],
  resolve: Resolver,
  fullPath: string,
): void {
  const [field, ...rest] = segments as [string, ...string[]];
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
      expandPath(child as Record<string, unknown>, rest, resolve, fullPath);
    }
  }
}

/** Applies `expand[]` paths to a copy of the object; `data.` paths apply to a list's items. */
export function expandObject<T>(
  object: T,
  paths: readonly string[] | undefined,
  resolve: Resolver,
): T {
  if (!paths || paths.length === 0) return object;
  const copy = JSON.parse(JSON.stringify(object)) as Record<string, unknown>;
  for (const path of paths) {
    const segments = path.split('.');
    if (segments.length > 4) {
      throw invalidRequest(
        `You cannot expand more than 4 levels of a property. Property: ${path}`,
        undefined,
        'expand',
      );
    }
    expandPath(copy, segments, resolve, path);
  }
  return copy as T;
}
