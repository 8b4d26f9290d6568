import { randomBytes } from 'node:crypto';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

function randomString(length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const byte of bytes) out += ALPHABET[byte % ALPHABET.length];
  return out;
}

/** Stripe ids are a resource prefix and a random tail; Checkout session ids are much longer. */
export function newId(prefix: string, length = 24): string {
  return `${prefix}_${randomString(length)}`;
}

export function newCheckoutSessionId(): string {
  return `cs_test_${randomString(58)}`;
}

export function newRequestId(): string {
  return newId('req', 14);
}

/** The `whsec_` secret of a webhook endpoint created through the API. */
export function newWebhookSecret(): string {
  return `whsec_${randomString(32)}`;
}

/** Uppercase letters and digits, like the invoice prefix Stripe gives each customer. */
export function newInvoicePrefix(): string {
  return randomString(8)
    .toUpperCase()
    .replace(/[^A-Z0-9]/g, 'X');
}
