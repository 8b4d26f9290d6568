// The rule is a plain function, and the schema is built on it, so the widget can judge codes as
// they are typed without bundling zod, which would not fit its 10 KB size budget.
import * as z from 'zod/mini';

export const PROMOTION_CODE_RULE = 'A promotion code is 3 to 50 letters, digits or dashes';

const MIN_LENGTH = 3;
const MAX_LENGTH = 50;
const CHARACTERS = /^[A-Za-z0-9-]*$/;

/** What a buyer types, trimmed and upper-cased, if it is a code as Stripe writes them; else null. */
export function normalizePromotionCode(raw: string): string | null {
  const code = raw.trim();
  const fits = code.length >= MIN_LENGTH && code.length <= MAX_LENGTH && CHARACTERS.test(code);
  return fits ? code.toUpperCase() : null;
}

/** Too short to be a code, but with nothing that breaks the rule yet: the buyer is still typing. */
export function isUnfinishedPromotionCode(raw: string): boolean {
  const code = raw.trim();
  return code.length < MIN_LENGTH && CHARACTERS.test(code);
}

// Marked pure so that a bundle importing only the functions above leaves zod out.
/** What a buyer types: trimmed, checked as Stripe checks codes, then upper-cased. */
export const PromotionCode = /* @__PURE__ */ z.string(PROMOTION_CODE_RULE).check(
  z.refine((raw) => normalizePromotionCode(raw) !== null, PROMOTION_CODE_RULE),
  z.overwrite((raw) => normalizePromotionCode(raw) ?? raw),
);
