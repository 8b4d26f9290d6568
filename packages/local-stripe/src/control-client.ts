/**
 * A typed client for the local Stripe's control API, for tests, the demo and benchmarks. The
 * routes (JSON in and out, no API key: the control API only exists on the local Stripe). Every
 * request says `Content-Type: application/json`, even without a body: the control API refuses
 * anything else (415), and any request from another site's page (403).
 *
 *   GET  /_local/now                          → { now, offset }            Stripe time, unix seconds
 *   POST /_local/clock/advance  { seconds }   → { now, renewed, failed, canceled, expired }
 *   POST /_local/sessions/:id/complete { card? }
 *        → 200 { ok: true, redirect_url } | 402 { ok: false, code, message }
 *   POST /_local/webhooks/hold  { on }        → { held }
 *   POST /_local/webhooks/deliver { shuffle?, duplicate? } → { sent }
 *   GET  /_local/webhooks/deliveries          → { data: DeliveryReport[] }
 *   POST /_local/faults { count, kind, path? } → { pending }   count 0 clears faults of that kind
 *   POST /_local/customers/:id/card { card }  → { customer, card }  the card renewals will charge
 *   POST /_local/charges/:id/dispute { reason?, inquiry? } → the dispute  a chargeback, or with
 *        inquiry: true an inquiry (`warning_needs_response`) that moves no money
 *   POST /_local/disputes/:id/close { outcome: 'won' | 'lost' } → the dispute  evidence goes in,
 *        then the bank decides; an inquiry only closes `won`, as `warning_closed`
 *   POST /_local/disputes/:id/escalate        → the dispute  an inquiry becomes a chargeback
 *   POST /_local/refunds/:id/fail { failure_reason? } → the refund  the network sends it back
 *   POST /_local/subscriptions/:id/pause      → the subscription  stands in for a trial ending
 *        without a payment method (`missing_payment_method: pause`); POST /v1/subscriptions/:id/pause
 *        is the API's own pause
 *   POST /_local/reset                        → {}  forget everything, then seed again
 */

import type Stripe from 'stripe';
import type { DisputeOutcome } from './domain/disputes.ts';
import type { RefundFailureReason } from './domain/refunds.ts';

export type { DisputeOutcome, RefundFailureReason };

export type FaultKind = 'error500' | 'rate_limit' | 'timeout' | 'drop';

export interface DeliveryReport {
  id: string;
  event_id: string;
  event_type: string;
  endpoint_url: string;
  status: 'held' | 'pending' | 'succeeded' | 'failed';
  attempts: number;
  last_status: number | null;
  last_error: string | null;
}

export interface ClockAdvance {
  now: number;
  renewed: number;
  failed: number;
  canceled: number;
  expired: number;
}

export type CompleteResult =
  { ok: true; redirectUrl: string } | { ok: false; code: string; message: string };

const JSON_HEADERS = { 'content-type': 'application/json' };

export class LocalStripeControl {
  readonly #base: string;

  constructor(url: string) {
    this.#base = url.replace(/\/$/, '');
  }

  async now(): Promise<number> {
    return (await this.#call<{ now: number }>('GET', '/_local/now')).now;
  }

  advanceClock(seconds: number): Promise<ClockAdvance> {
    return this.#call('POST', '/_local/clock/advance', { seconds });
  }

  /** Pays for a session as the hosted page would; `card` defaults to 4242 4242 4242 4242. */
  async completeSession(id: string, options: { card?: string } = {}): Promise<CompleteResult> {
    const response = await fetch(
      `${this.#base}/_local/sessions/${encodeURIComponent(id)}/complete`,
      {
        method: 'POST',
        headers: JSON_HEADERS,
        body: JSON.stringify(options),
      },
    );
    const body = (await response.json()) as {
      ok: boolean;
      redirect_url?: string;
      code?: string;
      message?: string;
    };
    if (body.ok && body.redirect_url !== undefined)
      return { ok: true, redirectUrl: body.redirect_url };
    if (response.status === 402 || body.ok === false) {
      return { ok: false, code: body.code ?? 'unknown', message: body.message ?? 'failed' };
    }
    throw new Error(`local Stripe control: complete ${id} answered ${response.status}`);
  }

  async holdWebhooks(on: boolean): Promise<void> {
    await this.#call('POST', '/_local/webhooks/hold', { on });
  }

  /** Sends every held webhook now; returns how many requests went out. */
  async deliverPending(options: { shuffle?: boolean; duplicate?: boolean } = {}): Promise<number> {
    return (await this.#call<{ sent: number }>('POST', '/_local/webhooks/deliver', options)).sent;
  }

  async listDeliveries(): Promise<DeliveryReport[]> {
    return (await this.#call<{ data: DeliveryReport[] }>('GET', '/_local/webhooks/deliveries'))
      .data;
  }

  /** Fails the next `count` API calls (under `path`, if given); count 0 clears that kind. */
  async injectFaults(fault: { count: number; kind: FaultKind; path?: string }): Promise<void> {
    await this.#call('POST', '/_local/faults', fault);
  }

  /** The card future renewals of this customer's subscriptions are charged to. */
  async setCustomerCard(customerId: string, card: string): Promise<void> {
    await this.#call('POST', `/_local/customers/${encodeURIComponent(customerId)}/card`, { card });
  }

  /** Opens a chargeback on the charge, or an inquiry with `{ inquiry: true }`. */
  async disputeCharge(
    chargeId: string,
    reason = 'fraudulent',
    options: { inquiry?: boolean } = {},
  ): Promise<Stripe.Dispute> {
    return this.#call('POST', `/_local/charges/${encodeURIComponent(chargeId)}/dispute`, {
      reason,
      ...options,
    });
  }

  /** The bank decides the dispute; an inquiry can only be won (it closes as `warning_closed`). */
  async closeDispute(disputeId: string, outcome: DisputeOutcome): Promise<Stripe.Dispute> {
    return this.#call('POST', `/_local/disputes/${encodeURIComponent(disputeId)}/close`, {
      outcome,
    });
  }

  async escalateInquiry(disputeId: string): Promise<Stripe.Dispute> {
    return this.#call('POST', `/_local/disputes/${encodeURIComponent(disputeId)}/escalate`, {});
  }

  async failRefund(refundId: string, failureReason?: RefundFailureReason): Promise<Stripe.Refund> {
    return this.#call('POST', `/_local/refunds/${encodeURIComponent(refundId)}/fail`, {
      ...(failureReason ? { failure_reason: failureReason } : {}),
    });
  }

  /** Pauses as a trial ending without a payment method would. */
  async pauseSubscription(subscriptionId: string): Promise<Stripe.Subscription> {
    return this.#call(
      'POST',
      `/_local/subscriptions/${encodeURIComponent(subscriptionId)}/pause`,
      {},
    );
  }

  async reset(): Promise<void> {
    await this.#call('POST', '/_local/reset', {});
  }

  async #call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.#base}${path}`, {
      method,
      headers: JSON_HEADERS,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) {
      throw new Error(
        `local Stripe control: ${method} ${path} answered ${response.status}: ${await response.text()}`,
      );
    }
    return (await response.json()) as T;
  }
}
