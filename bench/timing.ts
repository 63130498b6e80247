/** Shared timing helpers for benchmarks: warm-up, repeats, median. */

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export interface Timing {
  /** Seconds per repeat, in order. */
  readonly seconds: number[];
  readonly medianSeconds: number;
}

/** Runs `fn` `warmup` times untimed, then `repeats` times timed. */
export async function timeRepeats(fn: () => Promise<unknown>, repeats: number, warmup: number): Promise<Timing> {
  for (let i = 0; i < warmup; i++) await fn();
  const seconds: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    await fn();
    seconds.push((performance.now() - t0) / 1000);
  }
  return { seconds, medianSeconds: median(seconds) };
}
