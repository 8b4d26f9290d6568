// Every error the API answers with, defined once: its code, its status, its words in each dialect,
// and the envelope each dialect wraps it in. Clients act on `code`; `message` is for people.
import { z } from 'zod';
import { PROMOTION_CODE_RULE } from './promotion-code.ts';

/** The three documented API dialects; they differ only in their error envelopes and wording. */
export type Dialect = 'generic' | 'sessions' | 'api';

/**
 * The longest user id any dialect takes: Stripe refuses a `client_reference_id` over 200
 * characters, and the user id is sent as one.
 */
export const USER_ID_MAX_LENGTH = 200;

/**
 * Buyers named by an unauthenticated request are kept under `unverified:<userId>`, which the
 * site's backend reads with `GET /api/entitlements/unverified:<userId>`.
 */
export const UNVERIFIED_PREFIX = 'unverified:';

interface ErrorDefinition {
  status: number;
  /**
   * What the client is told: one sentence, or one per dialect where the seeds word it differently.
   * Where the error names what was refused (a field, a code, a wait), the raiser words it instead.
   */
  message: string | Readonly<Record<Dialect, string>>;
  /** Seed 002 documents no 404: what it cannot sell is a bad request there. */
  sessionsStatus?: number;
}

const define = <const T extends Record<string, ErrorDefinition>>(errors: T) => errors;

export const ERRORS = define({
  invalid_request: { status: 400, message: 'Invalid request' },
  invalid_json: { status: 400, message: 'Request body must be valid JSON' },
  body_too_large: { status: 400, message: 'Request body must be at most 16 kB' },
  unsupported_media_type: { status: 400, message: 'Content-Type must be application/json' },
  invalid_idempotency_key: {
    status: 400,
    message: 'Idempotency-Key must be at most 255 characters',
  },
  idempotency_key_reused: {
    status: 400,
    message: 'This Idempotency-Key was already used for a checkout of another plan',
  },
  idempotency_key_ui_mode: {
    status: 400,
    message:
      'This Idempotency-Key was already used for a checkout shown another way (hosted or embedded)',
  },
  idempotency_key_closed: {
    status: 400,
    message:
      'This Idempotency-Key belongs to a checkout that is no longer open; retry with a new key',
  },
  missing_parameters: { status: 400, message: 'Missing userId or planId' },
  invalid_plan: {
    status: 400,
    message: {
      generic: 'Invalid plan ID provided',
      sessions: 'Invalid planId. Must be "weekly" or "one-time"',
      api: 'Invalid plan. Must be BASIC or PRO',
    },
  },
  invalid_billing: { status: 400, message: 'Invalid billing. Must be monthly or annual' },
  invalid_ui_mode: { status: 400, message: 'Invalid uiMode. Must be hosted or embedded' },
  user_id_too_long: {
    status: 400,
    message: {
      // Seed 002 names the body's field; elsewhere the id comes from the access token's `sub`.
      generic: `User ids must be at most ${USER_ID_MAX_LENGTH} characters, Stripe's limit for client_reference_id`,
      sessions: `userId must be at most ${USER_ID_MAX_LENGTH} characters`,
      api: `User ids must be at most ${USER_ID_MAX_LENGTH} characters, Stripe's limit for client_reference_id`,
    },
  },
  user_id_reserved: {
    status: 400,
    message: `User ids starting with "${UNVERIFIED_PREFIX}" are reserved`,
  },
  url_not_allowed: {
    status: 400,
    message: 'successUrl and cancelUrl must be http(s) URLs on an allowed origin',
  },
  promotion_code_invalid: { status: 400, message: PROMOTION_CODE_RULE },
  no_subscription: { status: 400, message: 'You have no subscription to change' },
  signature_missing: { status: 400, message: 'Missing Stripe-Signature header' },
  signature_invalid: { status: 400, message: 'Webhook signature verification failed' },
  body_unreadable: { status: 400, message: 'Webhook body could not be read' },
  event_malformed: { status: 400, message: 'Webhook body is not a Stripe event' },
  authentication_required: { status: 401, message: 'Authentication required' },
  token_expired: { status: 401, message: 'Access token expired' },
  server_key_required: { status: 401, message: 'A valid server API key is required' },
  token_for_another_user: {
    status: 403,
    message: 'The access token is for another user than userId',
  },
  cross_site_request: {
    status: 403,
    message: 'Requests from other sites may not use the sign-in cookie',
  },
  route_not_found: { status: 404, message: 'No such route' },
  plan_unavailable: { status: 404, sessionsStatus: 400, message: 'Plan not found or inactive' },
  session_not_found: { status: 404, message: 'Checkout session not found' },
  no_customer: { status: 404, message: 'There is no subscription to manage yet' },
  payment_not_found: { status: 404, message: 'starting_after names no payment of yours' },
  widget_not_built: {
    status: 404,
    message: 'The widget has not been built: run npm run build',
  },
  method_not_allowed: { status: 405, message: 'Method Not Allowed' },
  already_subscribed: { status: 409, message: 'You are already subscribed to this plan' },
  lifetime_access: { status: 409, message: 'You already have lifetime access' },
  plan_change_scheduled: {
    status: 409,
    message: 'A plan change is already scheduled for the end of this period',
  },
  rate_limited: { status: 429, message: 'Too many requests' },
  internal_error: { status: 500, message: 'Internal server error' },
  checkout_failed: { status: 500, message: 'Failed to create checkout session' },
  portal_failed: { status: 500, message: 'Failed to open the billing portal' },
  preview_failed: { status: 500, message: 'Failed to preview the plan change' },
});

export type ErrorCode = keyof typeof ERRORS;
export const ErrorCode = z.enum(Object.keys(ERRORS) as [ErrorCode, ...ErrorCode[]]);

/** Seed 002 hides every server-side failure behind one sentence. */
const SESSIONS_SERVER_ERROR = 'An error occurred';

/** The `error` field of each status, as seed 004 spells it. */
export const STATUS_NAMES: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

/** The status an error answers with in a dialect. */
export function statusOf(code: ErrorCode, dialect: Dialect): number {
  const definition: ErrorDefinition = ERRORS[code];
  return (dialect === 'sessions' && definition.sessionsStatus) || definition.status;
}

/** The words an error is given in a dialect when its raiser does not word it. */
export function messageOf(code: ErrorCode, dialect: Dialect): string {
  const { message } = ERRORS[code] as ErrorDefinition;
  return typeof message === 'string' ? message : message[dialect];
}

const codesByMessage = new Map<string, ErrorCode>(
  (Object.keys(ERRORS) as ErrorCode[]).flatMap((code) => {
    const { message } = ERRORS[code] as ErrorDefinition;
    const words = typeof message === 'string' ? [message] : Object.values(message);
    return words.map((text) => [text, code] as const);
  }),
);

/**
 * The code of a message the schemas in shared/ give a refused field; `invalid_request` for any
 * other, such as zod's own words for a schema that gives none.
 */
export const codeOfMessage = (message: string): ErrorCode =>
  codesByMessage.get(message) ?? 'invalid_request';

/** Seed 000: `{ success: false, message, code }`. */
export const GenericFailure = z.object({
  success: z.literal(false),
  message: z.string(),
  code: ErrorCode,
});
export type GenericFailure = z.infer<typeof GenericFailure>;

/** Seed 002: `{ error, code }`. */
export const SessionFailure = z.object({ error: z.string(), code: ErrorCode });
export type SessionFailure = z.infer<typeof SessionFailure>;

/** Seed 004, and every other route under `/api/`: `{ error, message, code }`. */
export const ApiFailure = z.object({ error: z.string(), message: z.string(), code: ErrorCode });
export type ApiFailure = z.infer<typeof ApiFailure>;

/**
 * The status and body of an error in a dialect. `detail` words an error that names what was
 * refused; server errors never show it.
 */
export function errorResponse(
  dialect: Dialect,
  code: ErrorCode,
  detail?: string,
): { status: number; body: GenericFailure | SessionFailure | ApiFailure } {
  const status = statusOf(code, dialect);
  const shown = status >= 500 ? undefined : detail;
  const message = shown ?? messageOf(code, dialect);
  switch (dialect) {
    case 'generic':
      return { status, body: { success: false, message, code } };
    case 'sessions':
      return { status, body: { error: status >= 500 ? SESSIONS_SERVER_ERROR : message, code } };
    case 'api':
      return {
        status,
        body: {
          error: STATUS_NAMES[status] ?? (status >= 500 ? 'Internal Server Error' : 'Bad Request'),
          message,
          code,
        },
      };
  }
}
