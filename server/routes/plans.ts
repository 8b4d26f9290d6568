// What the widget shows before a click: prices, and whether a promotion code will be taken.
import Router from '@koa/router';
import type { Context } from 'koa';
import {
  findCatalogEntry,
  plansApi,
  type PlansResponse,
  type PromotionCheck,
} from '../../shared/index.ts';
import { AppError } from '../errors.ts';
import { tokenFrom, type AccessTokens } from '../http/auth.ts';
import type { Mount } from '../http/mount.ts';
import type { AccountService } from '../services/account.ts';
import { ownerIdOf, verifiedBuyer } from '../services/buyers.ts';
import type { PriceBook } from '../services/catalog.ts';
import { money, resolvePromotionCode, type AppliedPromotion } from '../services/promotions.ts';
import { ReadCache } from '../stripe/read-cache.ts';
import type Stripe from 'stripe';
import type { Storage } from '../storage/index.ts';

/** A signed-in buyer's plans differ from the anonymous ones, which caches must keep apart. */
const SIGNED_IN_BY = ['Authorization', 'Cookie'];
const JSON_TYPE = 'application/json; charset=utf-8';

/** A code's verdict for a plan: what it takes off, or why it is refused. */
type Verdict = { applied: AppliedPromotion } | { refused: string };

export function planRoutes(deps: {
  mount: Mount;
  prices: PriceBook;
  stripe: Stripe;
  storage: Storage;
  tokens: AccessTokens;
  account: AccountService;
}): Router {
  const router = new Router();
  // A widget re-checks as the buyer types and switches plans; a few seconds of staleness is
  // harmless, because checkout judges the code again, uncached.
  const verdicts = new ReadCache<Verdict>({ ttlMs: 5_000, maxEntries: 1_000 });

  // Anyone may read the prices; a signed-in buyer also learns what they have and whether they
  // would get a trial, in an answer no cache may share with another buyer. The anonymous answer
  // is the same bytes for everyone, sent without waiting once the prices are loaded.
  deps.mount(router, plansApi.listPlans, (_input, ctx) => {
    ctx.vary(SIGNED_IN_BY);
    const token = tokenFrom(ctx);
    ctx.set('Cache-Control', token ? 'private, no-cache' : 'public, max-age=60');
    return token ? signedInPlans(ctx, token) : anonymousPlans(ctx);
  });

  function anonymousPlans(ctx: Context): Promise<void> | void {
    ctx.set('Content-Type', JSON_TYPE);
    const loaded = deps.prices.loadedPlansBody();
    if (loaded) {
      ctx.body = loaded;
      return;
    }
    return deps.prices.plansBody().then((body) => {
      ctx.body = body;
    });
  }

  async function signedInPlans(ctx: Context, token: string): Promise<PlansResponse | void> {
    const ownerId = await ownerOf(token, deps.tokens);
    if (ownerId === undefined) return anonymousPlans(ctx);
    const [trials, entitlement] = await Promise.all([
      deps.storage.hasSubscribedBefore(ownerId).then((before) => !before),
      deps.account.entitlement(ownerId),
    ]);
    return { plans: await deps.prices.plans(trials), entitlement };
  }

  // Anonymous by design (the widget asks before sign-in), so first-time-only codes are judged
  // for a new customer; checkout checks them again for the real buyer.
  deps.mount(router, plansApi.checkPromotionCode, async ({ params, query }, ctx) => {
    const { code } = params;
    const { plan, billing } = query;
    const entry = findCatalogEntry(deps.prices.catalog, plan, billing);
    const price = entry && (await deps.prices.price(entry));
    if (!entry || !price) throw new AppError('plan_unavailable');
    const base = { code, planId: entry.id, currency: price.currency, amountSubtotal: price.amount };
    const verdict = await verdicts.get(`${entry.id}\n${code}`, () =>
      resolvePromotionCode(deps.stripe, code, {
        entry,
        price,
        customerId: undefined,
        hasPaidBefore: false,
      }).then(
        (applied): Verdict => ({ applied }),
        (error: unknown): Verdict => {
          if (!(error instanceof AppError) || error.code !== 'promotion_code_invalid') throw error;
          return { refused: error.message };
        },
      ),
    );
    if ('applied' in verdict) {
      const { applied } = verdict;
      ctx.body = {
        ...base,
        valid: true,
        message: `${applied.label}: ${money(applied.amountTotal, price.currency)} instead of ${money(price.amount, price.currency)}`,
        amountDiscount: applied.amountDiscount,
        amountTotal: applied.amountTotal,
      } satisfies PromotionCheck;
    } else {
      ctx.body = {
        ...base,
        valid: false,
        message: verdict.refused,
        amountDiscount: 0,
        amountTotal: price.amount,
      } satisfies PromotionCheck;
    }
  });

  return router;
}

/** The buyer a token proves, if any: here a bad token only means anonymous. */
async function ownerOf(token: string, tokens: AccessTokens): Promise<string | undefined> {
  try {
    return ownerIdOf(verifiedBuyer(await tokens.verify(token)));
  } catch (error) {
    if (error instanceof AppError) return undefined;
    throw error;
  }
}
