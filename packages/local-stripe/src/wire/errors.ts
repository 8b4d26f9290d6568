export type StripeErrorType =
  | 'api_error'
  | 'card_error'
  | 'idempotency_error'
  | 'invalid_request_error'
  | 'authentication_error'
  | 'rate_limit_error';

export interface StripeErrorBody {
  type: StripeErrorType;
  code?: string;
  decline_code?: string;
  message: string;
  param?: string;
  doc_url?: string;
  request_log_url?: string;
}

/** The one error the local Stripe throws; the wire middleware renders it in Stripe's envelope. */
export class StripeApiError extends Error {
  readonly status: number;
  readonly body: StripeErrorBody;

  constructor(status: number, body: StripeErrorBody) {
    super(body.message);
    this.status = status;
    this.body = body;
  }
}

function docUrl(code: string): string {
  return `https://stripe.com/docs/error-codes/${code.replace(/_/g, '-')}`;
}

export function invalidRequest(message: string, code?: string, param?: string, status = 400) {
  return new StripeApiError(status, {
    type: 'invalid_request_error',
    message,
    ...(code ? { code, doc_url: docUrl(code) } : {}),
    ...(param ? { param } : {}),
  });
}

/** `objectName` is how Stripe spells the resource in the message, e.g. `checkout.session`. */
export function noSuch(objectName: string, id: string, param = 'id'): StripeApiError {
  return invalidRequest(`No such ${objectName}: '${id}'`, 'resource_missing', param, 404);
}

export function parameterUnknown(param: string): StripeApiError {
  return invalidRequest(`Received unknown parameter: ${param}`, 'parameter_unknown', param);
}

export function parameterMissing(param: string): StripeApiError {
  return invalidRequest(`Missing required param: ${param}.`, 'parameter_missing', param);
}

export function parameterInvalid(
  param: string,
  message: string,
  code = 'parameter_invalid_string',
) {
  return invalidRequest(message, code, param);
}

export function cardDeclined(message: string, declineCode: string, code = 'card_declined') {
  return new StripeApiError(402, {
    type: 'card_error',
    code,
    decline_code: declineCode,
    message,
    doc_url: docUrl(code),
  });
}

export function apiError(): StripeApiError {
  return new StripeApiError(500, {
    type: 'api_error',
    message: 'An unknown error occurred',
  });
}

export function rateLimited(): StripeApiError {
  return new StripeApiError(429, {
    type: 'invalid_request_error',
    code: 'rate_limit',
    message:
      'Request rate limit exceeded. Learn more about rate limits here https://stripe.com/docs/rate-limits.',
    doc_url: docUrl('rate_limit'),
  });
}
