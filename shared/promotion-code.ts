// Written with zod/mini so the widget can check codes as they are typed for a few KB.
import * as z from 'zod/mini';

export const PROMOTION_CODE_RULE = 'A promotion code is 3 to 50 letters, digits or dashes';

/** What a buyer types: trimmed, checked as Stripe checks codes, then upper-cased. */
export const PromotionCode = z
  .string(PROMOTION_CODE_RULE)
  .check(
    z.trim(),
    z.minLength(3, PROMOTION_CODE_RULE),
    z.maxLength(50, PROMOTION_CODE_RULE),
    z.regex(/^[A-Za-z0-9-]+$/, PROMOTION_CODE_RULE),
    z.toUpperCase(),
  );
