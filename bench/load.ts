import autocannon from 'autocannon';
import { percentile } from './stats.ts';

export interface LoadResult {
  /** Answered with a 2xx. */
  ok: number;
  /** Answered with anything else, or not answered at all. */
  failed: number;
  seconds: number;
  perSecond: number;
  /** Milliseconds, from 2xx answers only. */
  p50: number;
  p99: number;
}

/**
 * One autocannon run. Latencies are kept here at full precision: autocannon's own histogram
 * counts whole milliseconds, too coarse for a one-millisecond budget.
 */
export async function load(options: autocannon.Options): Promise<LoadResult> {
  const latencies: number[] = [];
  const started = performance.now();
  let lastAnswer = started;
  const instance = autocannon(options);
  instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
    lastAnswer = performance.now();
    if (status >= 200 && status < 300) latencies.push(ms);
  });
  const result = await instance;
  // Up to the last answer: with `amount`, autocannon only notices it is done on its next 1 s tick.
  const seconds = (lastAnswer - started) / 1000;
  return {
    ok: result['2xx'],
    failed: result.non2xx + result.errors + result.timeouts,
    seconds,
    perSecond: result['2xx'] / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
  };
}
