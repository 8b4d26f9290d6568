import type Stripe from 'stripe';
import { digest } from './idempotency.ts';
import { buyerMetadata, ownerIdOf, type Buyer } from './buyers.ts';
import { nowSeconds, type Storage } from '../storage/index.ts';

/**
 * One Stripe customer per buyer, created once: the idempotency key makes a concurrent twin
 * harmless, and the first one stored wins. An unverified buyer gets a customer of its own, so
 * anonymous requests make at most one per name they give, never one per request.
 */
export async function ensureCustomer(
  stripe: Stripe,
  storage: Storage,
  buyer: Buyer,
): Promise<string> {
  const ownerId = ownerIdOf(buyer);
  const known = await storage.customers.customerIdFor(ownerId);
  if (known) return known;
  const customer = await stripe.customers.create(
    { metadata: buyerMetadata(buyer) },
    { idempotencyKey: `tilldrop-customer-${digest(ownerId)}` },
  );
  return (await storage.customers.remember(ownerId, customer.id, nowSeconds())) ?? customer.id;
}
