import autocannon from 'autocannon';
import { percentile } from './stats.ts';

export interface LoadResult {
  /** Answered with a 2xx: every request, or the run throws. */
  ok: number;
  seconds: number;
  perSecond: number;
  /** Milliseconds. */
  p50: number;
  p99: number;
}

/**
 * One autocannon run of the scenario `label`. Every request must be answered with a 2xx: a run
 * with refusals (a 429, a 500) would time the refusals, so it throws, naming what came back.
 * Latencies are kept here at full precision: autocannon's own histogram counts whole
 * milliseconds, too coarse for a one-millisecond budget.
 */
export async function load(label: string, options: autocannon.Options): Promise<LoadResult> {
  const latencies: number[] = [];
  const refusals = new Map<number, number>();
  let firstRefusal: string | undefined;
  const started = performance.now();
  let lastAnswer = started;
  const instance = autocannon({
    ...options,
    requests: options.requests?.map((step) => ({
      ...step,
      onResponse: (status, body, context) => {
        if (!isSuccess(status)) firstRefusal ??= `${status} ${body.slice(0, 300)}`;
        step.onResponse?.(status, body, context);
      },
    })),
  });
  instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
    lastAnswer = performance.now();
    if (isSuccess(status)) latencies.push(ms);
    else refusals.set(status, (refusals.get(status) ?? 0) + 1);
  });
  const result = await instance;
  // autocannon counts a timeout among its errors too.
  const failed = result.non2xx + result.errors;
  if (failed > 0) {
    const statuses = [...refusals].map(([status, count]) => `${count} × ${status}`);
    if (result.errors > result.timeouts)
      statuses.push(`${result.errors - result.timeouts} connection errors`);
    if (result.timeouts) statuses.push(`${result.timeouts} timeouts`);
    throw new Error(
      `${label}: ${failed} of ${result.requests.total} requests failed (${statuses.join(', ')})` +
        (firstRefusal ? `; the first answered ${firstRefusal}` : ''),
    );
  }
  // Up to the last answer: with `amount`, autocannon only notices it is done on its next 1 s tick.
  const seconds = (lastAnswer - started) / 1000;
  return {
    ok: result['2xx'],
    seconds,
    perSecond: result['2xx'] / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
  };
}

const isSuccess = (status: number) => status >= 200 && status < 300;
