import { createHash } from 'node:crypto';

export type CardCheck =
  | { ok: true; brand: string; last4: string; fingerprint: string }
  | { ok: false; code: string; declineCode: string; message: string };

/** What happens after a charge on a test card succeeds, as https://docs.stripe.com/testing lists. */
export interface CardAftermath {
  /** The cardholder's bank opens a dispute moments after the charge. */
  dispute?: { reason: string; inquiry: boolean };
  /** Refunds start `succeeded`, then fail with this reason. */
  refundFailure?: string;
  /** Payments made without the buyer present (renewals) wait for 3D Secure. */
  authenticatesOffSession?: boolean;
}

interface TestCard extends CardAftermath {
  brand: string;
  /** Declines every charge with this decline code; null charges succeed. */
  decline: { code: string; declineCode: string; message: string } | null;
}

const DECLINED = {
  code: 'card_declined',
  declineCode: 'generic_decline',
  message: 'Your card was declined.',
};

/** Stripe's documented test cards (https://docs.stripe.com/testing) that the product relies on. */
const TEST_CARDS: Record<string, TestCard> = {
  '4242424242424242': { brand: 'visa', decline: null },
  '4000056655665556': { brand: 'visa', decline: null },
  '5555555555554444': { brand: 'mastercard', decline: null },
  '2223003122003222': { brand: 'mastercard', decline: null },
  '378282246310005': { brand: 'amex', decline: null },
  '6011111111111117': { brand: 'discover', decline: null },
  '4000000000000002': { brand: 'visa', decline: DECLINED },
  '4000000000009995': {
    brand: 'visa',
    decline: {
      code: 'card_declined',
      declineCode: 'insufficient_funds',
      message: 'Your card has insufficient funds.',
    },
  },
  '4000000000009987': {
    brand: 'visa',
    decline: {
      code: 'card_declined',
      declineCode: 'lost_card',
      message: 'Your card was declined.',
    },
  },
  '4000000000000069': {
    brand: 'visa',
    decline: {
      code: 'expired_card',
      declineCode: 'expired_card',
      message: 'Your card has expired.',
    },
  },
  '4000000000000127': {
    brand: 'visa',
    decline: {
      code: 'incorrect_cvc',
      declineCode: 'incorrect_cvc',
      message: "Your card's security code is incorrect.",
    },
  },
  // Attaching it to a customer succeeds, charging it fails: for failed renewals.
  '4000000000000341': { brand: 'visa', decline: DECLINED },
  '4000000000000259': {
    brand: 'visa',
    decline: null,
    dispute: { reason: 'fraudulent', inquiry: false },
  },
  '4000000000002685': {
    brand: 'visa',
    decline: null,
    dispute: { reason: 'product_not_received', inquiry: false },
  },
  '4000000000001976': {
    brand: 'visa',
    decline: null,
    dispute: { reason: 'general', inquiry: true },
  },
  // "refunding a captured charge fails asynchronously with a failure_reason of
  // expired_or_canceled_card": the refund reads `succeeded` first, `failed` later.
  '4000000000005126': { brand: 'visa', decline: null, refundFailure: 'expired_or_canceled_card' },
  // "Always authenticate": the hosted pages stand in for the buyer's 3D Secure challenge, so only
  // payments with nobody there to authenticate (renewals) stop at `requires_action`.
  '4000002760003184': { brand: 'visa', decline: null, authenticatesOffSession: true },
};

const AFTERMATH_BY_FINGERPRINT = new Map<string, CardAftermath>(
  Object.entries(TEST_CARDS).map(([digits, card]) => [fingerprint(digits), card]),
);

export const DEFAULT_TEST_CARD = '4242424242424242';

export function normalizeCardNumber(number: string): string {
  return number.replace(/[\s-]/g, '');
}

function passesLuhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i += 1) {
    let digit = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

/** Whether charging this card succeeds, and how Stripe describes the card or the decline. */
export function chargeCard(number: string): CardCheck {
  const digits = normalizeCardNumber(number);
  if (!/^\d{12,19}$/.test(digits) || !passesLuhn(digits)) {
    return {
      ok: false,
      code: 'incorrect_number',
      declineCode: 'incorrect_number',
      message: 'Your card number is incorrect.',
    };
  }
  const card = TEST_CARDS[digits];
  if (!card) {
    return {
      ok: false,
      code: 'card_declined',
      declineCode: 'test_mode_live_card',
      message:
        'Your card was declined. Your request was in test mode, but used a non test (live) card. For a list of valid test cards, visit: https://stripe.com/docs/testing.',
    };
  }
  if (card.decline) return { ok: false, ...card.decline };
  return { ok: true, brand: card.brand, last4: digits.slice(-4), fingerprint: fingerprint(digits) };
}

/** Brand and last four digits of any test card, declined or not, for the charge record. */
export function describeCard(number: string): {
  brand: string;
  last4: string;
  fingerprint: string;
} {
  const digits = normalizeCardNumber(number);
  return {
    brand: TEST_CARDS[digits]?.brand ?? 'visa',
    last4: digits.slice(-4),
    fingerprint: fingerprint(digits),
  };
}

/** The test card's later behaviour, found from the fingerprint a charge keeps of its card. */
export function aftermathOf(cardFingerprint: string | null | undefined): CardAftermath {
  return (cardFingerprint && AFTERMATH_BY_FINGERPRINT.get(cardFingerprint)) || {};
}

export function aftermathOfNumber(number: string): CardAftermath {
  return TEST_CARDS[normalizeCardNumber(number)] ?? {};
}

function fingerprint(digits: string): string {
  return createHash('sha256').update(digits).digest('base64url').slice(0, 16);
}
