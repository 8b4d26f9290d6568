/** One figure: the median of several runs, with the spread that qualifies it. */
export interface Figure {
  median: number;
  min: number;
  max: number;
  runs: number[];
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Nearest-rank percentile, as latency histograms report it. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = Float64Array.from(values).sort();
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export function figure(runs: readonly number[]): Figure {
  return { median: median(runs), min: Math.min(...runs), max: Math.max(...runs), runs: [...runs] };
}

/** Runs `times` times in turn, so slow drift on a noisy machine spreads over every variant. */
export async function repeat<T>(times: number, run: (index: number) => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  for (let index = 0; index < times; index++) results.push(await run(index));
  return results;
}

/**
 * A warm-up of each variant, then `runs` rounds of all of them, each round starting one variant
 * later than the one before, so slow drift on a noisy machine favours none. Results are indexed
 * [round][variant].
 */
export async function alternating<T>(
  runs: number,
  variants: readonly ((round: number) => Promise<T>)[],
): Promise<T[][]> {
  for (const variant of variants) await variant(-1);
  return repeat(runs, async (round) => {
    const results: T[] = [];
    for (let step = 0; step < variants.length; step++) {
      const index = (round + step) % variants.length;
      results[index] = await variants[index]!(round);
    }
    return results;
  });
}

/** Runs `task` on every item, `limit` at a time: for setting up a run, never for timing one. */
export async function inParallel<T>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<unknown>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await task(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
