import { z } from 'zod';
import type { Core } from '../core.ts';
import { emitEvent } from '../domain/events.ts';
import { resolver } from '../domain/expansion.ts';
import { liveCoupon, livePromotionCode } from '../domain/promotions.ts';
import { buildCoupon, buildPromotionCode } from '../objects/coupon.ts';
import { newId } from '../store/ids.ts';
import { invalidRequest } from '../wire/errors.ts';
import { expandObject } from '../wire/expand.ts';
import { listOf } from '../wire/list.ts';
import {
  bool,
  expand,
  inRange,
  int,
  listParams,
  mergeMetadata,
  metadata,
  range,
  str,
} from '../wire/params.ts';
import { respond } from '../wire/respond.ts';
import { Retrieve, retrieve } from '../wire/retrieve.ts';
import { idParam, paramsOf, type ApiRouter } from '../wire/route.ts';

const decimal = z
  .string()
  .regex(/^\d+(\.\d+)?$/, 'Invalid decimal')
  .transform(Number);

const CouponCreate = z.strictObject({
  id: str.optional(),
  name: str.optional(),
  percent_off: decimal.optional(),
  amount_off: int.optional(),
  currency: str.optional(),
  duration: z.enum(['once', 'repeating', 'forever']).optional(),
  duration_in_months: int.optional(),
  max_redemptions: int.optional(),
  redeem_by: int.optional(),
  applies_to: z.strictObject({ products: z.array(str) }).optional(),
  metadata: metadata.optional(),
  expand,
});

const CouponUpdate = z.strictObject({
  name: str.optional(),
  metadata: metadata.optional(),
  expand,
});

const PromotionCodeCreate = z.strictObject({
  promotion: z.strictObject({ type: z.literal('coupon'), coupon: str }),
  code: str.optional(),
  active: bool.optional(),
  customer: str.optional(),
  expires_at: int.optional(),
  max_redemptions: int.optional(),
  restrictions: z
    .strictObject({
      first_time_transaction: bool.optional(),
      minimum_amount: int.optional(),
      minimum_amount_currency: str.optional(),
    })
    .optional(),
  metadata: metadata.optional(),
  expand,
});

const PromotionCodeUpdate = z.strictObject({
  active: bool.optional(),
  metadata: metadata.optional(),
  expand,
});

const PromotionCodeList = z.strictObject({
  ...listParams,
  active: bool.optional(),
  code: str.optional(),
  coupon: str.optional(),
  customer: str.optional(),
  created: range.optional(),
});

export function couponRoutes(core: Core, router: ApiRouter): void {
  const { store, clock } = core;
  const expandWith = resolver(core);

  router.post('/v1/coupons', (ctx) => {
    const p = paramsOf(ctx, CouponCreate);
    if ((p.percent_off === undefined) === (p.amount_off === undefined)) {
      throw invalidRequest(
        'You must pass exactly one of `percent_off` or `amount_off`.',
        'parameter_missing',
        'percent_off',
      );
    }
    if (p.amount_off !== undefined && !p.currency) {
      throw invalidRequest(
        'You must pass currency when passing amount_off.',
        'parameter_missing',
        'currency',
      );
    }
    if (p.id && store.coupons.get(p.id)) {
      throw invalidRequest('Coupon already exists.', 'resource_already_exists', 'id');
    }
    const coupon = core.db.transaction(() => {
      const created = store.coupons.insert(
        buildCoupon({
          id: p.id ?? newId('', 8).slice(1).toUpperCase(),
          name: p.name ?? null,
          percentOff: p.percent_off ?? null,
          amountOff: p.amount_off ?? null,
          currency: p.currency?.toLowerCase() ?? null,
          duration: p.duration ?? 'once',
          durationInMonths: p.duration_in_months ?? null,
          maxRedemptions: p.max_redemptions ?? null,
          redeemBy: p.redeem_by ?? null,
          appliesToProducts: p.applies_to?.products ?? null,
          metadata: mergeMetadata({}, p.metadata),
          created: clock.now(),
        }),
      );
      emitEvent(core, 'coupon.created', created);
      return created;
    })();
    respond(ctx, expandObject(coupon, p.expand, expandWith));
  });

  router.get('/v1/coupons/:id', (ctx) => {
    const p = paramsOf(ctx, Retrieve);
    const coupon = retrieve(store.coupons, 'coupon', idParam(ctx));
    respond(ctx, expandObject(liveCoupon(core, coupon), p.expand, expandWith));
  });

  router.post('/v1/coupons/:id', (ctx) => {
    const p = paramsOf(ctx, CouponUpdate);
    const coupon = retrieve(store.coupons, 'coupon', idParam(ctx));
    const updated = store.coupons.update({
      ...coupon,
      name: p.name ?? coupon.name,
      metadata: mergeMetadata(coupon.metadata ?? {}, p.metadata),
    });
    respond(ctx, expandObject(liveCoupon(core, updated), p.expand, expandWith));
  });

  router.get('/v1/coupons', (ctx) => {
    const p = paramsOf(ctx, z.strictObject({ ...listParams, created: range.optional() }));
    const list = listOf('/v1/coupons', store.coupons, p, {
      filter: (c) => inRange(c.created, p.created),
    });
    const shown = { ...list, data: list.data.map((coupon) => liveCoupon(core, coupon)) };
    respond(ctx, expandObject(shown, p.expand, expandWith));
  });

  router.post('/v1/promotion_codes', (ctx) => {
    const p = paramsOf(ctx, PromotionCodeCreate);
    if (!store.coupons.get(p.promotion.coupon)) {
      throw invalidRequest(
        `No such coupon: '${p.promotion.coupon}'`,
        'resource_missing',
        'promotion[coupon]',
      );
    }
    if (p.customer && !store.customers.get(p.customer)) {
      throw invalidRequest(`No such customer: '${p.customer}'`, 'resource_missing', 'customer');
    }
    const code = p.code ?? newId('', 8).slice(1).toUpperCase();
    if (store.promotionCodes.findBy('code', code.toUpperCase()).some((c) => c.active)) {
      throw invalidRequest(
        'An active promotion code with `code` already exists.',
        'resource_already_exists',
        'code',
      );
    }
    const promo = core.db.transaction(() => {
      const created = store.promotionCodes.insert(
        buildPromotionCode({
          id: newId('promo'),
          code,
          coupon: p.promotion.coupon,
          active: p.active ?? true,
          customer: p.customer ?? null,
          expiresAt: p.expires_at ?? null,
          maxRedemptions: p.max_redemptions ?? null,
          firstTimeTransaction: p.restrictions?.first_time_transaction ?? false,
          minimumAmount: p.restrictions?.minimum_amount ?? null,
          minimumAmountCurrency: p.restrictions?.minimum_amount_currency ?? null,
          metadata: mergeMetadata({}, p.metadata),
          created: clock.now(),
        }),
      );
      emitEvent(core, 'promotion_code.created', created);
      return created;
    })();
    respond(ctx, expandObject(promo, p.expand, expandWith));
  });

  router.get('/v1/promotion_codes/:id', (ctx) => {
    const p = paramsOf(ctx, Retrieve);
    const promo = retrieve(store.promotionCodes, 'promotion_code', idParam(ctx));
    respond(ctx, expandObject(livePromotionCode(core, promo), p.expand, expandWith));
  });

  router.post('/v1/promotion_codes/:id', (ctx) => {
    const p = paramsOf(ctx, PromotionCodeUpdate);
    const promo = retrieve(store.promotionCodes, 'promotion_code', idParam(ctx));
    const updated = store.promotionCodes.update({
      ...promo,
      active: p.active ?? promo.active,
      metadata: mergeMetadata(promo.metadata ?? {}, p.metadata),
    });
    respond(ctx, expandObject(livePromotionCode(core, updated), p.expand, expandWith));
  });

  router.get('/v1/promotion_codes', (ctx) => {
    const p = paramsOf(ctx, PromotionCodeList);
    const list = listOf('/v1/promotion_codes', store.promotionCodes, p, {
      where: p.code !== undefined ? { column: 'code', value: p.code.toUpperCase() } : undefined,
      filter: (promo) =>
        // An expired or used-up code reads as inactive, as Stripe reports it.
        (p.active === undefined || livePromotionCode(core, promo).active === p.active) &&
        (p.coupon === undefined || promo.promotion.coupon === p.coupon) &&
        (p.customer === undefined || promo.customer === p.customer) &&
        inRange(promo.created, p.created),
    });
    const shown = { ...list, data: list.data.map((promo) => livePromotionCode(core, promo)) };
    respond(ctx, expandObject(shown, p.expand, expandWith));
  });
}
