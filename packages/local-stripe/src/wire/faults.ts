import type { Middleware } from 'koa';
import { apiError, rateLimited } from './errors.ts';

export type FaultKind = 'error500' | 'rate_limit' | 'timeout' | 'drop';

interface Fault {
  kind: FaultKind;
  remaining: number;
  path: string | undefined;
}

/**
 * Failures injected into the next API calls, so clients' retry and timeout handling can be tested
 * for real. A fault hits before the request is handled: nothing changes on this side.
 */
export class Faults {
  #queue: Fault[] = [];
  readonly #hangMs: number;

  constructor(hangMs: number) {
    this.#hangMs = hangMs;
  }

  inject(kind: FaultKind, count: number, path?: string): void {
    this.#queue.push({ kind, remaining: count, path });
  }

  clear(): void {
    this.#queue = [];
  }

  remove(kind: FaultKind, path?: string): void {
    this.#queue = this.#queue.filter(
      (f) => f.kind !== kind || (path !== undefined && f.path !== path),
    );
  }

  pending(): { kind: FaultKind; remaining: number; path: string | null }[] {
    return this.#queue.map((f) => ({ kind: f.kind, remaining: f.remaining, path: f.path ?? null }));
  }

  #take(path: string): FaultKind | null {
    const fault = this.#queue.find((f) => f.path === undefined || path.startsWith(f.path));
    if (!fault) return null;
    fault.remaining -= 1;
    if (fault.remaining <= 0) this.#queue.splice(this.#queue.indexOf(fault), 1);
    return fault.kind;
  }

  middleware(): Middleware {
    return async (ctx, next) => {
      const kind = this.#take(ctx.path);
      if (kind === 'error500') throw apiError();
      if (kind === 'rate_limit') throw rateLimited();
      if (kind === 'drop') {
        ctx.req.socket.destroy();
        ctx.respond = false;
        return;
      }
      if (kind === 'timeout') {
        // Hold the request past the client's timeout; the client gives up and may retry.
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, this.#hangMs);
          ctx.req.socket.once('close', () => {
            clearTimeout(timer);
            resolve();
          });
        });
        ctx.req.socket.destroy();
        ctx.respond = false;
        return;
      }
      await next();
    };
  }
}
