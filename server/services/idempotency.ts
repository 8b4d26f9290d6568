import { createHash } from 'node:crypto';

/** A short, stable key part: Stripe caps idempotency keys at 255 characters and user ids are free-form. */
export const digest = (value: string) =>
  createHash('sha256').update(value).digest('base64url').slice(0, 32);
