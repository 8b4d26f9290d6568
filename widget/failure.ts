import type { ErrorCode } from '../shared/errors.ts';

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

/** A failure as the buyer reads it. */
export class CheckoutFailure extends Error {
  constructor(
    readonly code: FailureCode,
    message: string,
    /** The server's HTTP status; 0 when none came: no answer, or refused here before any request. */
    readonly status = 0,
  ) {
    super(message);
  }
}

/**
 * What the server answered: its HTTP status (0 when it could not be reached), its message, and
 * its code from shared/errors.ts (absent when no documented answer came).
 */
export interface ServerFailure {
  status: number;
  message: string;
  code?: ErrorCode | undefined;
}

export type Errand = 'checkout' | 'portal';

const unavailable: Record<Errand, string> = {
  checkout: 'This plan is not available.',
  portal: 'Subscription management is not available.',
};

/** No answer from the server, or none of the checkout's code: the buyer can only try again. */
export const NO_CONNECTION = 'Could not connect. Please try again.';

/** Every console line names the product, so a site owner knows whose it is. */
export const warn = (...words: unknown[]) => console.warn('Tilldrop:', ...words);

/**
 * Turns the server's failure into words a buyer understands: the one place that reads what the
 * server said went wrong, by its status and code, never by its words. The server's own words are
 * kept only where they are written for buyers (a refused code, an existing subscription); the
 * rest go to the console for the site owner.
 */
export function explain(errand: Errand, { status, message, code }: ServerFailure): CheckoutFailure {
  warn(`the ${errand} request failed (${status || 'no answer'}): ${message}`);
  const fail = (code: FailureCode, words = message) => new CheckoutFailure(code, words, status);
  if (status === 409) return fail('already-subscribed');
  if (code === 'promotion_code_invalid') return fail('promotion-code-refused');
  if (!status) return fail('network', NO_CONNECTION);
  if (status === 401) return fail('authentication-required', 'Please sign in first.');
  if (status === 404) return fail('not-found', unavailable[errand]);
  if (status === 429) return fail('rate-limited', 'Too many attempts. Try again in a minute.');
  if (status >= 400 && status < 500) {
    return fail(
      'invalid-request',
      'This checkout is not set up right. Please tell the site owner.',
    );
  }
  // 5xx, and a 200 whose body is not what the API documents.
  return fail('server-error', 'Something went wrong. Please try again.');
}

/** Refused here, before any request, so with no HTTP status: the server sells no such price. */
export function notOnSale(plan: string | undefined, billing: string): CheckoutFailure {
  warn(`the server sells no ${plan} plan billed ${billing}`);
  return new CheckoutFailure('not-found', unavailable.checkout);
}
