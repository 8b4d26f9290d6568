// The part of autocannon's programmatic API the benchmarks use; the package ships no types.
declare module 'autocannon' {
  import type { EventEmitter } from 'node:events';

  namespace autocannon {
    interface Request {
      method?: string;
      path?: string;
      headers?: Record<string, string>;
      body?: string | Buffer;
    }

    interface RequestStep extends Request {
      /** Called before each request is built; `context` belongs to one connection. */
      setupRequest?: (request: Request, context: Record<string, unknown>) => Request;
      /** Called with each response, before the connection's next request is built. */
      onResponse?: (status: number, body: string, context: Record<string, unknown>) => void;
    }

    interface Options extends Request {
      /** Several URLs share the connections out between them, connection i to url[i % n]. */
      url: string | string[];
      connections?: number;
      pipelining?: number;
      /** Seconds; ignored when `amount` is set. */
      duration?: number;
      amount?: number;
      timeout?: number;
      requests?: RequestStep[];
    }

    interface Result {
      duration: number;
      errors: number;
      timeouts: number;
      non2xx: number;
      '2xx': number;
      requests: { total: number; sent: number; average: number };
    }

    interface Instance extends EventEmitter, PromiseLike<Result> {
      stop(): void;
    }
  }

  function autocannon(options: autocannon.Options): autocannon.Instance;

  export default autocannon;
}
