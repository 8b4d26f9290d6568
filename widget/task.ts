// The part of Lit's Task (@lit/task) the widget uses, in the same shape: a run whenever its args
// change (a task without args runs only on `run()`), the run before aborted through its signal,
// `render()` by status. The whole of Lit's costs 600 of the 10,240 gzipped bytes the widget may
// weigh; its statuses here are words rather than numbers.
import type { ReactiveController, ReactiveControllerHost } from 'lit';

export type TaskStatus = 'initial' | 'pending' | 'complete' | 'error';

/** Returned by a task function to go back to the initial status, as with nothing to do. */
export const initialState = Symbol();

export interface TaskConfig<A extends readonly unknown[], R> {
  task: (args: A, options: { signal: AbortSignal }) => Promise<R | typeof initialState>;
  /** Read on every host update; the task runs when one of them changes. */
  args?: () => A;
  onComplete?: (value: R) => unknown;
  onError?: (error: unknown) => unknown;
}

export interface StatusRenderer<R, T> {
  pending?: () => T;
  complete?: (value: R) => T;
  error?: (error: unknown) => T;
}

export class Task<A extends readonly unknown[], R> implements ReactiveController {
  status: TaskStatus = 'initial';
  value?: R;
  error?: unknown;
  #host: ReactiveControllerHost;
  #config: TaskConfig<A, R>;
  #args?: A;
  #abort?: AbortController;

  constructor(host: ReactiveControllerHost, config: TaskConfig<A, R>) {
    this.#host = host;
    this.#config = config;
    host.addController(this);
  }

  hostUpdate(): void {
    const args = this.#config.args?.();
    if (args && !this.#args?.every((arg, i) => arg === args[i])) void this.run(args);
  }

  async run(args = this.#config.args?.() as A): Promise<void> {
    this.#args = args;
    this.abort();
    const abort = (this.#abort = new AbortController());
    this.status = 'pending';
    this.#host.requestUpdate();
    let value, error;
    let failed = false;
    try {
      value = await this.#config.task(args, { signal: abort.signal });
    } catch (thrown) {
      failed = true;
      error = thrown;
    }
    // A newer run has taken over: the outcome of this one is of no interest.
    if (abort !== this.#abort) return;
    if (value === initialState) {
      this.status = 'initial';
    } else {
      this.status = failed ? 'error' : 'complete';
      this.value = value;
      this.error = error;
      if (failed) this.#config.onError?.(error);
      else this.#config.onComplete?.(value as R);
    }
    this.#host.requestUpdate();
  }

  /** Aborts the pending run, if any: its signal fires and its outcome is ignored. */
  abort(): void {
    this.#abort?.abort();
  }

  /** What the renderer gives for the status now; nothing while initial. */
  render<T>(renderer: StatusRenderer<R, T>): T | undefined {
    const { status } = this;
    // A renderer's keys are the statuses' names; `pending` ignores the value it is passed.
    const render = renderer[status as keyof typeof renderer] as
      ((outcome: unknown) => T) | undefined;
    return render?.(status === 'error' ? this.error : this.value);
  }
}
