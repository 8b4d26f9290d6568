import type { z } from 'zod';

/** One endpoint described once, as data: the server validates with it, the clients type with it. */
export interface Endpoint {
  method: 'GET' | 'POST';
  path: string;
  body?: z.ZodType;
  query?: z.ZodType;
  responses: Record<number, z.ZodType>;
}

export function endpoint<const E extends Endpoint>(definition: E): E {
  return definition;
}

/** Stripe objects carry times as Unix seconds; the APIs speak ISO 8601 without milliseconds. */
export function isoFromUnix(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
