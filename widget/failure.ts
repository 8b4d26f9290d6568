/** Why a checkout could not start, for pages that react to `checkout-error`. */
export type FailureCode =
  | 'network'
  | 'authentication-required'
  | 'already-subscribed'
  | 'promotion-code-refused'
  | 'not-found'
  | 'rate-limited'
  | 'invalid-request'
  | 'server-error';

/** A failure as the buyer reads it; `status` is 0 when no HTTP answer came. */
export class CheckoutFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: FailureCode,
    message: string,
  ) {
    super(message);
  }
}

export type Errand = 'checkout' | 'portal';

const unavailable: Record<Errand, string> = {
  checkout: 'This plan is not available.',
  portal: 'Subscription management is not available.',
};

/**
 * Turns a failed request into words a buyer understands. The server's own words are kept only
 * where they are written for buyers (a refused code, an existing subscription); the rest go to
 * the console for the site owner.
 */
export function explain(
  errand: Errand,
  status: number,
  serverMessage: string,
  sentPromotionCode = false,
): CheckoutFailure {
  console.warn(
    `Tilldrop: the ${errand} request failed (${status || 'no answer'}): ${serverMessage}`,
  );
  if (status === 409) return new CheckoutFailure(status, 'already-subscribed', serverMessage);
  if (status === 400 && sentPromotionCode && /promotion code/i.test(serverMessage)) {
    return new CheckoutFailure(status, 'promotion-code-refused', serverMessage);
  }
  if (status === 0)
    return new CheckoutFailure(status, 'network', 'Could not connect. Please try again.');
  if (status === 401)
    return new CheckoutFailure(status, 'authentication-required', 'Please sign in first.');
  if (status === 404) return new CheckoutFailure(status, 'not-found', unavailable[errand]);
  if (status === 429)
    return new CheckoutFailure(status, 'rate-limited', 'Too many attempts. Try again in a minute.');
  if (status >= 400 && status < 500) {
    return new CheckoutFailure(
      status,
      'invalid-request',
      'This checkout is not set up right. Please tell the site owner.',
    );
  }
  // 5xx, and a 200 whose body is not what the API documents.
  return new CheckoutFailure(status, 'server-error', 'Something went wrong. Please try again.');
}
