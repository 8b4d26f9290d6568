// Reads the checkout's card form the forgiving way Stripe's fields do (spaces, "MM / YY", "MMYY")
// and words its complaints the way Stripe does.
import type { CardInput } from './flows.ts';

/** What the buyer typed, to put back in the form. The card number and CVC never go back. */
export interface TypedFields {
  email: string;
  name: string;
  expiry: string;
}

export type CardField = 'email' | 'number' | 'expiry' | 'cvc' | 'card';

export interface FieldError {
  field: CardField;
  message: string;
}

export type CardFormResult = { ok: true; card: CardInput } | { ok: false; error: FieldError };

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
// Longer than anything real; keeps an absurd value out of the flow and out of the page.
const MAX_FIELD = 254;

export interface RawCardForm extends TypedFields {
  number: string;
  cvc: string;
}

export function parseCardForm(form: RawCardForm): CardFormResult {
  const fail = (field: CardField, message: string): CardFormResult => ({
    ok: false,
    error: { field, message },
  });

  if (!form.email) return fail('email', 'Your email address is incomplete.');
  if (form.email.length > MAX_FIELD || !EMAIL.test(form.email)) {
    return fail('email', 'Your email address is invalid.');
  }

  const number = form.number.replace(/[\s-]/g, '');
  if (!number) return fail('number', 'Your card number is incomplete.');
  if (!/^\d+$/.test(number) || number.length > 19) {
    return fail('number', 'Your card number is invalid.');
  }
  if (number.length < 12) return fail('number', 'Your card number is incomplete.');

  const expiry = /^(\d{1,2})\/(\d{2}|\d{4})$|^(\d{2})(\d{2})$/.exec(form.expiry.replace(/\s/g, ''));
  if (!expiry) return fail('expiry', "Your card's expiration date is incomplete.");
  const expMonth = Number(expiry[1] ?? expiry[3]);
  const year = Number(expiry[2] ?? expiry[4]);
  if (expMonth < 1 || expMonth > 12) {
    return fail('expiry', "Your card's expiration date is invalid.");
  }

  const cvc = form.cvc.replace(/\s/g, '');
  if (!/^\d{3,4}$/.test(cvc)) return fail('cvc', "Your card's security code is incomplete.");

  const name = form.name.slice(0, MAX_FIELD);
  return {
    ok: true,
    card: {
      email: form.email,
      ...(name ? { name } : {}),
      number,
      expMonth,
      expYear: year < 100 ? 2000 + year : year,
      cvc,
    },
  };
}
