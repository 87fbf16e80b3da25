/**
 * Interleaved rounds, medians and spread: what every table in `pnpm bench` reports.
 *
 * Each contestant is a pass that does a fixed amount of work and returns the milliseconds spent in the
 * part being measured (so preparing fresh input, e.g. copying a masked stream that the previous pass
 * unmasked in place, stays outside the timing). In every round each contestant runs passes until it has
 * spent MIN_MS measuring; contestants take turns round after round, so load from other processes on a
 * shared machine falls on all of them alike. A ratio is computed per round (ours / theirs in that same
 * round) and reported as the median of the rounds with the lowest and highest round as its spread.
 */
export const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
export const MIN_MS = Number(process.env.BENCH_MS ?? 150);

/** Runs one pass of fixed work and returns the milliseconds spent in its measured part. */
export type Pass = () => number;

/** Per contestant, per round: units per second. */
export function interleave(passes: readonly Pass[], unitsPerPass: number): number[][] {
  // Warm-up: each contestant runs for a while first, so the JIT has settled before anything counts.
  for (const pass of passes) for (let ms = 0; ms < MIN_MS / 2; ) ms += pass();
  const rates = passes.map(() => [] as number[]);
  for (let r = 0; r < ROUNDS; r++) {
    passes.forEach((pass, c) => {
      let ms = 0;
      let n = 0;
      while (ms < MIN_MS) {
        ms += pass();
        n++;
      }
      rates[c]!.push((n * unitsPerPass) / (ms / 1000));
    });
  }
  return rates;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Round-by-round ratios of `ours` to `theirs`: median, lowest and highest. */
export function ratioStats(ours: readonly number[], theirs: readonly number[]): RatioStats {
  const ratios = ours.map((o, i) => o / theirs[i]!);
  return { median: median(ratios), min: Math.min(...ratios), max: Math.max(...ratios) };
}

export interface RatioStats {
  median: number;
  min: number;
  max: number;
}

/** "1.62x (1.48-1.80)": the median ratio and its spread over the rounds. */
export const formatRatio = (s: RatioStats): string =>
  `${s.median.toFixed(2)}x (${s.min.toFixed(2)}-${s.max.toFixed(2)})`;

/** Measures `fn` as a pass: its whole run is timed. */
export const timed =
  (fn: () => void): Pass =>
  () => {
    const start = performance.now();
    fn();
    return performance.now() - start;
  };
