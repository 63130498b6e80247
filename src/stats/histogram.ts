import { ErrorCodes, MedfedError } from '../core/errors.js';

/**
 * Histograms over bin edges chosen by the coordinator: bin i holds edges[i] <= v < edges[i+1],
 * and the last bin also holds v == its right edge. Values outside [edges[0], edges[last]] are
 * counted apart. The same edges at every site make site histograms add up exactly.
 */
export function checkBinEdges(edges: readonly number[], where: string): void {
  const ok = edges.length >= 2 && edges.every((e, i) => Number.isFinite(e) && (i === 0 || e > edges[i - 1]));
  if (!ok) {
    throw new MedfedError(ErrorCodes.CONFIG_INVALID, `bin edges must be at least 2 finite, strictly increasing numbers, got [${edges.join(', ')}]`, {
      where,
    });
  }
}

/** Counts per bin, and how many values fell outside the edges (NaN values are skipped). */
export function histogramCounts(values: ArrayLike<number>, edges: readonly number[]): { counts: number[]; outside: number } {
  const bins = edges.length - 1;
  const counts = new Array<number>(bins).fill(0);
  let outside = 0;
  const last = edges[bins];
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isNaN(v)) continue;
    if (v < edges[0] || v > last) {
      outside++;
      continue;
    }
    let lo = 0;
    let hi = bins - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (edges[mid] <= v) lo = mid;
      else hi = mid - 1;
    }
    counts[lo]++;
  }
  return { counts, outside };
}

/** `bins` equal-width bins from min to max (a single value gets the bin [v - 0.5, v + 0.5]). */
export function equalWidthEdges(min: number, max: number, bins: number): number[] {
  if (!Number.isInteger(bins) || bins < 1) {
    throw new MedfedError(ErrorCodes.CONFIG_INVALID, `number of bins must be a positive integer, got ${bins}`, { where: 'bins' });
  }
  if (!(Number.isFinite(min) && Number.isFinite(max) && min <= max)) {
    throw new MedfedError(ErrorCodes.CONFIG_INVALID, `histogram range [${min}, ${max}] is not a finite interval`, { where: 'bins' });
  }
  const [lo, hi] = min === max ? [min - 0.5, max + 0.5] : [min, max];
  const edges = Array.from({ length: bins + 1 }, (_, i) => lo + ((hi - lo) * i) / bins);
  edges[bins] = hi;
  return edges;
}

/** Median estimated from a histogram by linear interpolation inside the bin that holds it. */
export function medianFromHistogram(edges: readonly number[], counts: readonly number[]): number {
  return quantileFromHistogram(edges, counts, 0.5);
}

/**
 * The p-quantile (0 <= p <= 1) estimated from a histogram: the bin where the cumulative count
 * first reaches p * total, then linear interpolation inside it. The bin is the one holding the
 * empirical quantile x_(ceil(p n)) (inverse of the empirical CDF), so the estimate is within one
 * bin width of it. Counts may be fractional (merged bins spread evenly).
 */
export function quantileFromHistogram(edges: readonly number[], counts: readonly number[], p: number): number {
  const total = counts.reduce((a, b) => a + b, 0);
  if (!(total > 0) || !(p >= 0 && p <= 1)) return NaN;
  const target = p * total;
  let below = 0;
  for (let i = 0; i < counts.length; i++) {
    if (below + counts[i] >= target && counts[i] > 0) {
      return edges[i] + (Math.max(0, target - below) / counts[i]) * (edges[i + 1] - edges[i]);
    }
    below += counts[i];
  }
  return edges[edges.length - 1];
}
