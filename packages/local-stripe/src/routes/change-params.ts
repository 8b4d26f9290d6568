import { z } from 'zod';
import { int, str } from '../wire/params.ts';

// The billing-change params a subscription update and an invoice preview both take.

export const ItemChangeParam = z.strictObject({
  id: str.optional(),
  price: str.optional(),
  quantity: int.optional(),
});

export const ProrationBehaviorParam = z.enum(['always_invoice', 'create_prorations', 'none']);

export const TrialEndParam = z.union([z.literal('now'), int]);
