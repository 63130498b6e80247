/** A linear map from a data domain to a pixel range. */
export interface LinearScale {
  readonly domain: readonly [number, number];
  readonly range: readonly [number, number];
  (value: number): number;
}

export function linearScale(domain: readonly [number, number], range: readonly [number, number]): LinearScale {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const span = d1 - d0 || 1;
  const f = (v: number) => r0 + ((v - d0) / span) * (r1 - r0);
  return Object.assign(f, { domain, range });
}

/** A "nice" tick step (1, 2 or 5 times a power of ten) giving about `count` ticks over [min, max]. */
export function niceStep(min: number, max: number, count: number): number {
  const raw = (max - min) / Math.max(1, count);
  if (!(raw > 0)) return 1;
  const power = Math.pow(10, Math.floor(Math.log10(raw)));
  const m = raw / power;
  return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * power;
}

/** Ticks at multiples of a nice step inside [min, max]. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  const step = niceStep(min, max, count);
  const ticks: number[] = [];
  const first = Math.ceil(min / step - 1e-9);
  const last = Math.floor(max / step + 1e-9);
  // k * step rounded to 12 significant digits: 3 * 0.2 is 0.6, not 0.6000000000000001; + 0 drops -0.
  for (let k = first; k <= last; k++) ticks.push(Number((k * step).toPrecision(12)) + 0);
  return ticks;
}

/** [min, max] of the values widened to nice step boundaries, with `pad` of the span added each side. */
export function niceDomain(values: readonly number[], options: { pad?: number; clamp?: [number, number] } = {}): [number, number] {
  const finite = values.filter((v) => Number.isFinite(v));
  let lo = finite.length ? Math.min(...finite) : 0;
  let hi = finite.length ? Math.max(...finite) : 1;
  if (hi - lo < 1e-9) {
    lo -= 0.05;
    hi += 0.05;
  }
  const pad = (hi - lo) * (options.pad ?? 0.05);
  const step = niceStep(lo - pad, hi + pad, 5);
  lo = Math.floor((lo - pad) / step) * step;
  hi = Math.ceil((hi + pad) / step) * step;
  if (options.clamp) {
    lo = Math.max(options.clamp[0], lo);
    hi = Math.min(options.clamp[1], hi);
  }
  return [lo, hi];
}

/** A tick label with as many decimals as the step needs. */
export function tickFormatter(ticks: readonly number[]): (v: number) => string {
  const step = ticks.length > 1 ? Math.abs(ticks[1] - ticks[0]) : 1;
  const decimals = Math.max(0, Math.min(6, -Math.floor(Math.log10(step) + 1e-9)));
  return (v) => v.toFixed(decimals);
}
