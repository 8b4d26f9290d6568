import type { TypeInfo } from './sdk-types.ts';

export interface ShapeContext {
  /** Stripe's sample of each resource, keyed by its `object` value. */
  samples: Record<string, unknown>;
  shapes: Map<string, TypeInfo>;
}

function kind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function accepts(info: TypeInfo | null, value: unknown): boolean {
  if (!info) return true;
  switch (kind(value)) {
    case 'null':
      return info.nullable;
    case 'string':
      return info.acceptsString;
    case 'number':
      return info.acceptsNumber;
    case 'boolean':
      return info.acceptsBoolean;
    case 'array':
      return info.element !== null;
    default:
      return info.properties !== null || info.openKeys;
  }
}

/**
 * Checks an object against Stripe's sample of its resource and the SDK's declaration of it: the
 * same keys at every level (a key may be missing only where the SDK marks it optional or no
 * longer declares it, and extra keys must be ones the SDK declares), and compatible value types
 * (null only where the sample is null or the SDK allows it). Nested Stripe objects are checked
 * against their own samples. Returns one line per problem.
 */
export function compareShape(value: unknown, context: ShapeContext, path = ''): string[] {
  const objectName = (value as { object?: unknown } | null)?.object;
  if (typeof objectName === 'string' && objectName in context.samples) {
    return walk(
      value,
      context.samples[objectName],
      context.shapes.get(objectName) ?? null,
      context,
      path || objectName,
    );
  }
  return [];
}

function walk(
  ours: unknown,
  sample: unknown,
  info: TypeInfo | null,
  context: ShapeContext,
  path: string,
): string[] {
  const oursKind = kind(ours);
  const sampleKind = kind(sample);
  if (oursKind === 'object') {
    const objectName = (ours as { object?: unknown }).object;
    const ownSample = typeof objectName === 'string' ? context.samples[objectName] : undefined;
    if (ownSample !== undefined && ownSample !== sample && objectName !== 'list') {
      // A nested Stripe object (a price in a line item, a subscription item) has its own sample.
      return walk(ours, ownSample, context.shapes.get(objectName as string) ?? info, context, path);
    }
  }
  if (oursKind === 'null') {
    return sampleKind === 'null' || !info || info.nullable
      ? []
      : [`${path}: null, but Stripe never sends null here`];
  }
  if (sampleKind === 'null' || sample === undefined) {
    if (!accepts(info, ours)) return [`${path}: ${oursKind} is not what the SDK declares`];
    return oursKind === 'object' && info?.properties
      ? walkObject(ours as Record<string, unknown>, null, info, context, path)
      : [];
  }
  if (oursKind !== sampleKind) {
    // An expandable field: an id where Stripe's sample has the object, or the other way round.
    if (accepts(info, ours)) return [];
    return [`${path}: ${oursKind} where Stripe sends ${sampleKind}`];
  }
  if (oursKind === 'array') {
    const first = (sample as unknown[])[0];
    return (ours as unknown[]).flatMap((item, index) =>
      walk(item, first, info?.element?.() ?? null, context, `${path}[${index}]`),
    );
  }
  if (oursKind === 'object') {
    return walkObject(
      ours as Record<string, unknown>,
      sample as Record<string, unknown>,
      info,
      context,
      path,
    );
  }
  return [];
}

function walkObject(
  ours: Record<string, unknown>,
  sample: Record<string, unknown> | null,
  info: TypeInfo | null,
  context: ShapeContext,
  path: string,
): string[] {
  if (info?.openKeys && (!info.properties || info.properties.size === 0)) {
    return Object.entries(ours).flatMap(([key, value]) =>
      typeof value === 'string' ? [] : [`${path}.${key}: free-form values are strings`],
    );
  }
  const problems: string[] = [];
  // An empty declaration (an event's `previous_attributes`) says nothing about the keys.
  const declared = info?.properties?.size ? info.properties : null;
  for (const key of Object.keys(sample ?? {})) {
    if (key in ours) continue;
    const property = declared?.get(key);
    if (declared && (!property || property.optional)) continue;
    problems.push(`${path}.${key}: missing (Stripe sends it)`);
  }
  for (const [key, value] of Object.entries(ours)) {
    const property = declared?.get(key);
    const inSample = sample !== null && key in sample;
    if (!inSample && declared && !property && !info?.openKeys) {
      problems.push(`${path}.${key}: neither Stripe's sample nor the SDK has this key`);
      continue;
    }
    problems.push(
      ...walk(value, sample?.[key], property?.type() ?? null, context, `${path}.${key}`),
    );
  }
  return problems;
}
