import { isLabelColumn, type TabularSchema } from '../connectors/csv/schema.js';
import { ErrorCodes, MedfedError } from '../core/errors.js';
import type { Normalization, Table } from '../data/table.js';
import { medianFromHistogram } from './histogram.js';
import type { GlobalStatistics } from './types.js';

/** A standard deviation below this (constant feature) is replaced by 1: the feature becomes x - mean. */
const MIN_STD = 1e-12;

const isScaled = (type: string) => type === 'numeric' || type === 'integer';

/** Global mean and (population) std of every numeric and integer feature of `schema`. */
export function normalizationFromGlobal(global: GlobalStatistics, schema: TabularSchema): Normalization {
  const mean: Record<string, number> = {};
  const std: Record<string, number> = {};
  for (const c of schema.columns) {
    if (isLabelColumn(schema, c.name) || !isScaled(c.type)) continue;
    const g = global.features[c.name];
    if (!g) throw noGlobal(c.name, global);
    mean[c.name] = g.mean;
    std[c.name] = g.std >= MIN_STD ? g.std : 1;
  }
  return { mean, std };
}

/**
 * Runs AT THE SITE: z-scores the numeric and integer columns, (x - mean) / std, with the global
 * statistics. Missing values stay NaN (toDataset fills them, converting raw fill values to
 * z-units). Binary and categorical columns are left as they are.
 */
export function standardizeTable(t: Table, norm: Normalization): Table {
  if (t.scaling) {
    throw new MedfedError(ErrorCodes.CONFIG_INVALID, `table ${t.source} is already standardised`, {
      hint: 'standardise the table as loaded, once',
    });
  }
  const mean: Record<string, number> = {};
  const std: Record<string, number> = {};
  const features = t.features.map((f) => {
    const name = f.spec.name;
    if (!isScaled(f.spec.type)) return f;
    const m = norm.mean[name];
    const rawStd = norm.std[name];
    if (!Number.isFinite(m) || !Number.isFinite(rawStd) || rawStd < 0) {
      throw new MedfedError(ErrorCodes.CONFIG_INVALID, `no valid normalisation for feature "${name}" (mean ${m}, std ${rawStd})`, {
        where: `normalization.${name}`,
        hint: 'pass the mean and std of every numeric and integer feature (normalizationFromGlobal)',
      });
    }
    const s = rawStd >= MIN_STD ? rawStd : 1;
    mean[name] = m;
    std[name] = s;
    return { spec: f.spec, values: f.values.map((v) => (v - m) / s) };
  });
  return { ...t, features, scaling: { mean, std } };
}

/**
 * Raw-unit fill values for every impute-mean / indicator column (global mean) and impute-median
 * column (median estimated from the global histogram, so the second pass must have run).
 */
export function fillValuesFromGlobal(global: GlobalStatistics, schema: TabularSchema, binEdges?: Readonly<Record<string, readonly number[]>>): Record<string, number> {
  const fill: Record<string, number> = {};
  for (const c of schema.columns) {
    if (c.missing !== 'impute-mean' && c.missing !== 'impute-median' && c.missing !== 'indicator') continue;
    const g = global.features[c.name];
    if (!g) throw noGlobal(c.name, global);
    if (c.missing !== 'impute-median') {
      fill[c.name] = g.mean;
      continue;
    }
    const edges = binEdges?.[c.name];
    if (!g.histogram || !edges) {
      throw new MedfedError(ErrorCodes.CONFIG_INVALID, `impute-median for "${c.name}" needs the global histogram and its bin edges`, {
        where: `fill.${c.name}`,
        hint: 'run the second statistics pass with bin edges (binEdgesFromGlobal) and pass those edges here',
      });
    }
    fill[c.name] = medianFromHistogram(edges, g.histogram);
  }
  return fill;
}

function noGlobal(name: string, global: GlobalStatistics): MedfedError {
  const reasons = Object.entries(global.withheld)
    .filter(([, w]) => w[name] !== undefined)
    .map(([site, w]) => `${site}: ${w[name]}`);
  return new MedfedError(ErrorCodes.PRIVACY_THRESHOLD, `no site released statistics for feature "${name}"`, {
    where: `stats.${name}`,
    hint: reasons.length > 0 ? `withheld — ${reasons.join('; ')}` : 'no site summarised this feature',
  });
}
