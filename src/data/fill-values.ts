import type { Table } from './table.js';

/**
 * Fill values computed from this table's own rows (raw units): the mean for impute-mean and
 * indicator columns, the median for impute-median. For one site's own use or a centralised
 * baseline only; federated runs take fillValuesFromGlobal (src/stats) instead.
 */
export function localFillValues(t: Table): Record<string, number> {
  const fill: Record<string, number> = {};
  for (const { spec, values } of t.features) {
    if (spec.missing !== 'impute-mean' && spec.missing !== 'impute-median' && spec.missing !== 'indicator') continue;
    const present = Array.from(values).filter((v) => !Number.isNaN(v));
    if (present.length === 0) continue;
    const mean = t.scaling?.mean[spec.name] ?? 0;
    const std = t.scaling?.std[spec.name] ?? 1;
    const central = spec.missing === 'impute-median' ? median(present) : present.reduce((a, b) => a + b, 0) / present.length;
    fill[spec.name] = central * std + mean;
  }
  return fill;
}

/** Median of a non-empty list (mean of the two middle values for even length). */
export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}
