import { AppError } from '../errors.ts';

export interface ReturnUrlPolicy {
  /** Origins a success or cancel URL may point to. */
  allowedOrigins: readonly string[];
  /** In production a buyer is only ever sent back over https. */
  httpsOnly: boolean;
}

// C0 and C1 controls and DEL: the URL parser drops tabs and newlines silently, so a URL holding
// one is not the URL its sender showed anyone.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;
// Stripe fills in this placeholder wherever it appears; the parser would escape its braces in a path.
const SESSION_ID_PLACEHOLDER = /%7BCHECKOUT_SESSION_ID%7D/g;

/**
 * A page-supplied success or cancel URL, normalised, or a 400 saying why not: Stripe sends the
 * buyer there, so it must be a plain http(s) page on one of the site's own origins.
 */
export function checkedReturnUrl(
  requested: string,
  field: string,
  policy: ReturnUrlPolicy,
): string {
  const refuse = (why: string) => new AppError('url_not_allowed', `${field} ${why}`);
  if (CONTROL_CHARACTERS.test(requested)) throw refuse('must not contain control characters');
  if (!URL.canParse(requested)) throw refuse('must be an absolute URL');
  const url = new URL(requested);
  const schemes = policy.httpsOnly ? ['https:'] : ['https:', 'http:'];
  if (!schemes.includes(url.protocol))
    throw refuse(policy.httpsOnly ? 'must be an https URL' : 'must be an http or https URL');
  if (url.username || url.password) throw refuse('must not contain a user name or password');
  if (!policy.allowedOrigins.includes(url.origin)) throw refuse('must be on an allowed origin');
  return url.href.replace(SESSION_ID_PLACEHOLDER, '{CHECKOUT_SESSION_ID}');
}
