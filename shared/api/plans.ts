// The widget's read APIs: prices for display and promotion codes checked before any redirect.
import { z } from 'zod';
import { endpoint } from '../contract.ts';
import { Billing, CheckoutMode, PlanName } from '../catalog.ts';
import { PLANS_PATH, PROMOTION_CODE_PATH } from './paths.ts';
import { PromotionCode } from '../promotion-code.ts';
import { ApiFailure } from '../errors.ts';
import { Entitlement } from './account.ts';

export const PlanPrice = z.object({
  id: z.string(),
  plan: PlanName,
  billing: Billing,
  mode: CheckoutMode,
  productName: z.string(),
  /** In the currency's minor unit, as Stripe counts it (cents). */
  amount: z.number().int().nonnegative(),
  currency: z.string().length(3),
  interval: z.enum(['week', 'month', 'year']).nullable(),
  /** Annual prices only: how much cheaper than twelve monthly payments, in whole percent. */
  savingsPercent: z.number().int().nullable(),
  /**
   * The free trial this buyer would start, in days; null without one. Signed in, a buyer who has
   * had a subscription is offered none: one trial per buyer.
   */
  trialDays: z.number().int().positive().nullable(),
  /** Whether starting the trial asks for a card. */
  trialCardRequired: z.boolean(),
});
export type PlanPrice = z.infer<typeof PlanPrice>;

export const PlansResponse = z.object({
  plans: z.array(PlanPrice),
  /**
   * Signed in: what the buyer has now (null for nothing), so a button can say "Current plan" or
   * offer the switch. Absent from the answer every anonymous visitor shares.
   */
  entitlement: Entitlement.nullable().optional(),
});
export type PlansResponse = z.infer<typeof PlansResponse>;

export const PromotionCheckQuery = z.object({
  plan: PlanName,
  billing: z.enum(['monthly', 'annual']).default('monthly'),
});

export const PromotionCheck = z.object({
  code: z.string(),
  valid: z.boolean(),
  /** Why a code is refused, or what it takes off: words a buyer understands. */
  message: z.string(),
  planId: z.string(),
  currency: z.string().length(3),
  amountSubtotal: z.number().int(),
  amountDiscount: z.number().int(),
  amountTotal: z.number().int(),
});
export type PromotionCheck = z.infer<typeof PromotionCheck>;

export const plansApi = {
  listPlans: endpoint({
    method: 'GET',
    path: PLANS_PATH,
    dialect: 'api',
    auth: 'none',
    responses: { 200: PlansResponse, 500: ApiFailure },
  }),
  checkPromotionCode: endpoint({
    method: 'GET',
    path: PROMOTION_CODE_PATH,
    dialect: 'api',
    // Anonymous by design: the widget asks before sign-in. Limited, or codes could be guessed.
    auth: 'none',
    rateLimit: { perAddress: true, perBuyer: 'promotion-code' },
    params: z.object({ code: PromotionCode }),
    query: PromotionCheckQuery,
    responses: { 200: PromotionCheck, 400: ApiFailure, 404: ApiFailure, 500: ApiFailure },
  }),
};
