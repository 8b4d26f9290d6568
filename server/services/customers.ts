import type Stripe from 'stripe';
import { digest } from './idempotency.ts';
import { nowSeconds, type Storage } from '../storage/index.ts';

/**
 * One Stripe customer per user, created once: the idempotency key makes a concurrent twin
 * harmless, and the first one stored wins.
 */
export async function ensureCustomer(
  stripe: Stripe,
  storage: Storage,
  userId: string,
): Promise<string> {
  const known = storage.customers.customerIdFor(userId);
  if (known) return known;
  const customer = await stripe.customers.create(
    { metadata: { userId } },
    { idempotencyKey: `tilldrop-customer-${digest(userId)}` },
  );
  return storage.customers.remember(userId, customer.id, nowSeconds()) ?? customer.id;
}
