import type Router from '@koa/router';
import type { Context } from 'koa';
import type { z } from 'zod';
import type { Endpoint } from '../../shared/index.ts';
import { AppError } from '../errors.ts';
import { unverifiedBuyer, verifiedBuyer, type Buyer } from '../services/buyers.ts';
import { signedInUser, tokenFrom, type AccessTokens } from './auth.ts';
import type { RateLimiter } from './rate-limit.ts';
import { serverKeyCheck } from './server-key.ts';
import { parse } from './validate.ts';

type Parsed<S> = S extends z.ZodType ? z.output<S> : undefined;

/** What a handler is given: the request as its endpoint's schemas parsed it, and who sent it. */
export type Input<E extends Endpoint> = {
  params: E['params'] extends z.ZodType ? z.output<E['params']> : Record<string, string>;
  query: Parsed<E['query']>;
  body: Parsed<E['body']>;
} & (E['auth'] extends 'buyer' ? { userId: string } : unknown) &
  (E['auth'] extends 'named-buyer' ? { buyer: Buyer } : unknown) &
  (E['rateLimit'] extends { spent: 'stripe-call' }
    ? { /** Spends the buyer's allowance; call before asking Stripe. */ spendBudget(): void }
    : unknown);

/** The 200 answer as the endpoint's schema takes it; nothing when the handler set `ctx.body`. */
type Reply<E extends Endpoint> = z.input<E['responses'][200]> | void;

export type Handler<E extends Endpoint> = (
  input: Input<E>,
  ctx: Context,
) => Reply<E> | Promise<Reply<E>>;

export type Mount = <const E extends Endpoint>(
  router: Router,
  endpoint: E,
  handler: Handler<E>,
) => void;

/**
 * Mounts endpoints as their contracts describe them: errors in the endpoint's dialect, then its
 * rate limits, its auth (401 before any validation), its params, query and body schemas (400),
 * and for seed 002 the proof of the body's buyer. The handler only does the work.
 */
export function mounter(deps: {
  tokens: AccessTokens;
  serverKey: string | undefined;
  limiter: RateLimiter;
}): Mount {
  const { tokens, limiter } = deps;
  const fromServer = serverKeyCheck(deps.serverKey);

  /**
   * Seed 002 documents its route without credentials, so the body's `userId` is anyone's word. It
   * is that user only with the site's server key, or with the user's own access token; a token
   * for someone else is a 403 (it is valid, so signing in again would not help). An invalid or
   * expired token is a 401 rather than a purchase the signed-in buyer would not get.
   */
  async function namedBuyer(ctx: Context, userId: string): Promise<Buyer> {
    if (fromServer(ctx)) return verifiedBuyer(userId);
    const token = tokenFrom(ctx);
    if (!token) return unverifiedBuyer(userId);
    if ((await tokens.verify(token)) !== userId) throw new AppError('token_for_another_user');
    return verifiedBuyer(userId);
  }

  return (router, endpoint, handler) => {
    type E = typeof endpoint;
    /** The request as the endpoint's schemas parse it: a 400 on the first problem. */
    const parsed = (ctx: Context) => ({
      params: endpoint.params ? parse(endpoint.params, ctx.params) : ctx.params,
      query: endpoint.query && parse(endpoint.query, ctx.query),
      body: endpoint.body && parse(endpoint.body, ctx.request.body),
    });
    const answer = (ctx: Context, input: Input<E>): Promise<void> | void => {
      const reply = handler(input, ctx);
      if (!(reply instanceof Promise)) {
        if (reply !== undefined) ctx.body = reply;
        return;
      }
      return reply.then((value) => {
        if (value !== undefined) ctx.body = value;
      });
    };
    const refuseWithoutServerKey = (ctx: Context) => {
      if (endpoint.auth === 'server-key' && !fromServer(ctx)) {
        throw new AppError('server_key_required');
      }
    };

    // With no limit to spend and no token to verify, nothing is waited for before the handler,
    // and a handler with its answer at hand sends it in the same turn.
    const waitsBeforeHandler =
      endpoint.rateLimit !== undefined ||
      endpoint.auth === 'buyer' ||
      endpoint.auth === 'named-buyer';
    const route = waitsBeforeHandler
      ? async (ctx: Context) => {
          ctx.state.dialect = endpoint.dialect;
          await limiter.spend(ctx, endpoint, tokens);
          const caller: Record<string, unknown> = {};
          if (endpoint.auth === 'buyer') caller.userId = await signedInUser(ctx, tokens);
          refuseWithoutServerKey(ctx);
          const request = parsed(ctx);
          if (endpoint.auth === 'named-buyer') {
            caller.buyer = await namedBuyer(ctx, (request.body as { userId: string }).userId);
          }
          const { perBuyer, spent } = endpoint.rateLimit ?? {};
          if (perBuyer && spent === 'stripe-call') {
            caller.spendBudget = () => limiter.takeForBuyer(ctx, perBuyer, caller.userId as string);
          }
          await answer(ctx, { ...request, ...caller } as Input<E>);
        }
      : (ctx: Context) => {
          ctx.state.dialect = endpoint.dialect;
          refuseWithoutServerKey(ctx);
          return answer(ctx, parsed(ctx) as Input<E>);
        };
    if (endpoint.method === 'GET') router.get(endpoint.path, route);
    else router.post(endpoint.path, route);
  };
}
