import { UNVERIFIED_PREFIX, USER_ID_MAX_LENGTH } from '../../shared/index.ts';
import { AppError } from '../errors.ts';

/**
 * Who a checkout is for. A verified buyer is a user the request proved it speaks for (their access
 * token, or the site's server key); an unverified one is only a name from an unauthenticated
 * request, which anyone can send for anyone, so it is kept apart from the user of that name.
 */
export type Buyer = { readonly verified: boolean; readonly userId: string };

export function verifiedBuyer(userId: string): Buyer {
  // Otherwise a signed-in user could be named into the unverified namespace, or read it.
  if (userId.startsWith(UNVERIFIED_PREFIX)) throw new AppError('user_id_reserved');
  return withinStripeLimits({ verified: true, userId });
}

export const unverifiedBuyer = (userId: string): Buyer =>
  withinStripeLimits({ verified: false, userId });

/**
 * The user id goes to Stripe as the session's `client_reference_id` (at most 200 characters) and
 * in metadata (values of at most 500); the unverified prefix stays on our side. A longer id
 * (a signed-in user's comes from the token's `sub`) is the caller's mistake, not Stripe's.
 */
function withinStripeLimits(buyer: Buyer): Buyer {
  if (buyer.userId.length > USER_ID_MAX_LENGTH) throw new AppError('user_id_too_long');
  return buyer;
}

/**
 * The id a buyer's sessions, customer, purchases and entitlement are stored under: the user's own
 * for a verified buyer, `unverified:<userId>` otherwise. The site's backend reads the latter with
 * `GET /api/entitlements/unverified:<userId>`.
 */
export const ownerIdOf = (buyer: Buyer): string =>
  buyer.verified ? buyer.userId : `${UNVERIFIED_PREFIX}${buyer.userId}`;

/** The Stripe metadata naming a buyer: the id the caller gave, and whether it was proven. */
export const buyerMetadata = (buyer: Buyer) => ({
  userId: buyer.userId,
  verified: String(buyer.verified),
});

/**
 * The owner id that metadata written by `buyerMetadata` names. Metadata without the flag was
 * written before unverified buyers existed, when every buyer was taken at their word.
 */
export function ownerIdFromMetadata(
  metadata: Record<string, string> | null | undefined,
): string | undefined {
  if (!metadata?.userId) return undefined;
  return ownerIdOf({ verified: metadata.verified !== 'false', userId: metadata.userId });
}
