// A typed client for the Tilldrop API, usable with or without the element.
// Responses are checked by hand rather than with zod: a few comparisons cost bytes, schemas cost kilobytes.
import type { AccountResponse } from '../shared/api/account.ts';
import type { CheckoutConfig } from '../shared/api/checkout-config.ts';
import type {
  CheckoutResponse,
  CheckoutStateResponse,
  CreateCheckoutParams,
  EmbeddedCheckoutResponse,
} from '../shared/api/generic.ts';
import type { PlansResponse, PromotionCheck } from '../shared/api/plans.ts';
import type { ChangePreview } from '../shared/api/subscription.ts';
import type { ErrorCode } from '../shared/errors.ts';
import {
  ACCOUNT_PATH,
  CHANGE_PREVIEW_PATH,
  CHECKOUT_CONFIG_PATH,
  CHECKOUT_PATH,
  CHECKOUT_SESSION_PATH,
  PLANS_PATH,
  PORTAL_PATH,
  PROMOTION_CODE_PATH,
} from '../shared/api/paths.ts';

// A classic script can name itself only while it first runs; a module always knows its own URL.
const scriptUrl = (document.currentScript as HTMLScriptElement | null)?.src || import.meta.url;

/** The origin the script was loaded from, which also serves the API. */
export const defaultApi = new URL(scriptUrl || location.href).origin;

export interface RequestOptions {
  /** The API server's origin; defaults to the origin the script came from. */
  api?: string;
  /** The buyer's access token; without it the request carries the buyer's cookies. */
  token?: string;
  signal?: AbortSignal;
}

export interface CheckoutOptions extends RequestOptions {
  /** The same key for a retry of the same purchase makes the server return the same session. */
  idempotencyKey?: string;
}

/** The documented failure envelope, with the HTTP status (0 when the server could not be reached). */
export interface Failure {
  success: false;
  status: number;
  message: string;
  /** What went wrong, for code to act on (shared/errors.ts); absent when no documented answer came. */
  code?: ErrorCode | undefined;
}

/** Thrown by the read helpers; the generic API functions return a `Failure` instead. */
export class RequestFailure extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code?: ErrorCode,
  ) {
    super(message);
  }
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null;
const isWebUrl = (value: unknown) => typeof value === 'string' && /^https?:\/\//.test(value);

/** Whether `value` is an object whose named fields have the named `typeof` types. */
function fits(
  value: unknown,
  shape: Record<string, 'string' | 'number' | 'boolean'>,
): value is Json {
  return isObject(value) && Object.keys(shape).every((key) => typeof value[key] === shape[key]);
}

/** Creates a Stripe Checkout session for one plan. */
export function createCheckoutSession(
  params: CreateCheckoutParams,
  options: CheckoutOptions = {},
): Promise<CheckoutResponse | Failure> {
  const idempotencyKey = options.idempotencyKey ?? newIdempotencyKey();
  // Never hand a `javascript:` or relative URL to `location.assign`.
  const created = (data: Json) =>
    isWebUrl(data.checkoutUrl) && fits(data, { checkoutId: 'string' });
  return generic(
    send(CHECKOUT_PATH, options, enveloped(created), {
      body: params,
      headers: { 'Idempotency-Key': idempotencyKey },
    }),
  );
}

/** Creates a session that Stripe.js opens in this page with its client secret. */
export function createEmbeddedCheckoutSession(
  params: Omit<CreateCheckoutParams, 'uiMode'>,
  options: CheckoutOptions = {},
): Promise<EmbeddedCheckoutResponse | Failure> {
  const idempotencyKey = options.idempotencyKey ?? newIdempotencyKey();
  const created = (data: Json) => fits(data, { checkoutId: 'string', clientSecret: 'string' });
  return generic(
    send(CHECKOUT_PATH, options, enveloped(created), {
      body: { ...params, uiMode: 'embedded' },
      headers: { 'Idempotency-Key': idempotencyKey },
    }),
  );
}

/** Reads a checkout session back, e.g. to recover after an interrupted redirect. */
export function getCheckoutSession(
  id: string,
  options: RequestOptions = {},
): Promise<CheckoutStateResponse | Failure> {
  const state = (data: Json) => fits(data, { checkoutId: 'string', status: 'string' });
  return generic(send(withParam(CHECKOUT_SESSION_PATH, id), options, enveloped(state)));
}

/** What an embedded checkout is opened with. Throws a `RequestFailure`. */
export async function getCheckoutConfig(options: RequestOptions = {}): Promise<CheckoutConfig> {
  const config = await send(
    CHECKOUT_CONFIG_PATH,
    options,
    ({ publishableKey }) => publishableKey === null || typeof publishableKey == 'string',
    { anonymous: true },
  );
  return config as CheckoutConfig;
}

/** What the signed-in buyer has. Throws a `RequestFailure`. */
export async function getAccount(options: RequestOptions = {}): Promise<AccountResponse> {
  const account = await send(ACCOUNT_PATH, options, (body) => 'entitlement' in body);
  return account as AccountResponse;
}

/**
 * Every purchasable price, for display. With the buyer's credentials, each says whether this
 * buyer would get its trial, and `entitlement` what the buyer holds. Throws a `RequestFailure`.
 */
export async function listPlans(options: RequestOptions = {}): Promise<PlansResponse> {
  const answer = await send(
    PLANS_PATH,
    options,
    ({ plans }) => Array.isArray(plans) && plans.every(isPlanPrice),
  );
  return answer as PlansResponse;
}

/**
 * What switching the signed-in buyer's subscription to a plan would cost, from Stripe's invoice
 * preview. Throws a `RequestFailure`.
 */
export async function previewPlanChange(
  plan: string,
  billing: string,
  options: RequestOptions = {},
): Promise<ChangePreview> {
  const query = new URLSearchParams({ plan, billing });
  const preview = await send(`${CHANGE_PREVIEW_PATH}?${query}`, options, (body) =>
    fits(body, {
      effective: 'string',
      effectiveAt: 'string',
      amountDue: 'number',
      currency: 'string',
    }),
  );
  return preview as ChangePreview;
}

/** What a promotion code takes off one plan, or why it is refused. Throws a `RequestFailure`. */
export async function checkPromotionCode(
  code: string,
  plan: string,
  billing: string,
  options: RequestOptions = {},
): Promise<PromotionCheck> {
  const query = new URLSearchParams({ plan, billing });
  const check = await send(
    `${withParam(PROMOTION_CODE_PATH, code)}?${query}`,
    options,
    (body) =>
      fits(body, {
        valid: 'boolean',
        message: 'string',
        amountTotal: 'number',
        currency: 'string',
      }),
    { anonymous: true },
  );
  return check as PromotionCheck;
}

/** The Stripe billing portal URL for the signed-in buyer. Throws a `RequestFailure`. */
export async function openBillingPortal(options: RequestOptions = {}): Promise<string> {
  const { url } = await send(PORTAL_PATH, options, ({ url }) => isWebUrl(url), { body: {} });
  return url as string;
}

/** 128 random bits; `crypto.randomUUID` exists only on https pages, this works on any. */
export function newIdempotencyKey(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (byte) =>
    byte.toString(16).padStart(2, '0'),
  ).join('');
}

/** A path of the contracts with its one `:param` filled in. */
const withParam = (path: string, value: string) => path.replace(/:\w+/, encodeURIComponent(value));

interface Exchange {
  /** Sent as JSON with POST; without it the request is a GET. */
  body?: unknown;
  headers?: Record<string, string>;
  /** The public read endpoints need neither a token nor cookies. */
  anonymous?: boolean;
}

/** The body of a 200 answer that passes `check`; any other answer, or none, throws a `RequestFailure`. */
async function send(
  path: string,
  { api = defaultApi, token, signal }: RequestOptions,
  check: (body: Json) => boolean,
  { body, headers = {}, anonymous }: Exchange = {},
): Promise<Json> {
  const request: RequestInit = { headers, signal };
  if (body !== undefined) {
    request.method = 'POST';
    request.body = JSON.stringify(body);
    headers['Content-Type'] = 'application/json';
  }
  if (!anonymous) {
    if (token) headers.Authorization = `Bearer ${token}`;
    request.credentials = token ? 'omit' : 'include';
  }
  let response: Response;
  try {
    response = await fetch(new URL(path, api), request);
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new RequestFailure(0, 'No answer from the server');
  }
  const { status } = response;
  const json: unknown = await response.json().catch(() => undefined);
  signal?.throwIfAborted();
  if (status === 200 && isObject(json) && check(json)) return json;
  const message = fits(json, { message: 'string' })
    ? (json.message as string)
    : `Unexpected answer (HTTP ${status})`;
  throw new RequestFailure(status, message, (json as Json | null)?.code as ErrorCode | undefined);
}

/** The documented success envelope, whose `data` passes `check`. */
const enveloped = (check: (data: Json) => boolean) => (body: Json) =>
  body.success === true && isObject(body.data) && check(body.data);

/** The generic API answers a failure with its envelope rather than by throwing. */
async function generic<T>(answer: Promise<Json>): Promise<T | Failure> {
  try {
    return (await answer) as T;
  } catch (error) {
    if (!(error instanceof RequestFailure)) throw error;
    // Its own fields are `status` and `code`; an Error's `message` is not enumerable.
    return { success: false, ...error, message: error.message };
  }
}

function isPlanPrice(value: unknown): boolean {
  return fits(value, {
    id: 'string',
    plan: 'string',
    billing: 'string',
    amount: 'number',
    currency: 'string',
  });
}
