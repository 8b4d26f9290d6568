import { AsyncLocalStorage } from 'node:async_hooks';

/** The API request being served, so events can name the request that caused them. */
export interface RequestContext {
  id: string;
  idempotencyKey: string | null;
}

const storage = new AsyncLocalStorage<RequestContext>();

export function runInRequest<T>(context: RequestContext, fn: () => Promise<T>): Promise<T> {
  return storage.run(context, fn);
}

/** Null when the change was automatic (the clock, a hosted page, the control API). */
export function currentRequest(): RequestContext | null {
  return storage.getStore() ?? null;
}
