import { levelsOf } from '../connectors/csv/schema.js';
import { makeDataset, type Dataset } from '../core/dataset.js';
import { ErrorCodes, MedfedError } from '../core/errors.js';
import type { FeatureColumn, Table } from './table.js';

/**
 * Turning a Table into the model's feature matrix. Statistics the encoding needs (fill values
 * for missing entries; z-score mean/std via src/stats/standardize.ts) are INPUTS, never computed
 * here: in federated use they come from federated statistics, not from pooled rows.
 */
export interface EncodeOptions {
  /**
   * Raw-unit value that replaces each missing entry of an impute-mean, impute-median or
   * indicator column (e.g. from fillValuesFromGlobal). Required for every such column that has
   * missing values in the table.
   */
  readonly fill?: Readonly<Record<string, number>>;
}

/** Names of the encoded features, in matrix order: numeric/integer/binary → name; categorical
 * one-hot → "name=level" per level; categorical index → name; indicator policy adds "name_missing". */
export function encodedFeatureNames(t: Pick<Table, 'features'>): string[] {
  const names: string[] = [];
  for (const { spec } of t.features) {
    if (spec.type === 'categorical' && (spec.encoding ?? 'one-hot') === 'one-hot') {
      for (const level of levelsOf(spec)) names.push(`${spec.name}=${level}`);
    } else {
      names.push(spec.name);
    }
    if (spec.missing === 'indicator') names.push(`${spec.name}_missing`);
  }
  return names;
}

/**
 * The encoded table as a Dataset: row-major float32 features [n, width], labels = class indices;
 * for a survival table y = ±time (table.survival, docs/survival.md) and numClasses 0.
 */
export function toDataset(t: Table, options: EncodeOptions = {}): Dataset {
  const names = encodedFeatureNames(t);
  const width = names.length;
  const x = new Float32Array(t.n * width);
  let offset = 0;
  for (const f of t.features) offset = writeColumn(t, f, options, x, width, offset);
  if (t.survival) return makeDataset(x, Float32Array.from(t.survival), [width], 0, names);
  return makeDataset(x, Float32Array.from(t.label), [width], t.labelLevels.length, names);
}

function writeColumn(t: Table, f: FeatureColumn, options: EncodeOptions, x: Float32Array, width: number, offset: number): number {
  const { spec, values } = f;
  if (spec.type === 'categorical' && (spec.encoding ?? 'one-hot') === 'one-hot') {
    for (let i = 0; i < t.n; i++) x[i * width + offset + values[i]] = 1;
    return offset + levelsOf(spec).length;
  }
  const fill = fillFor(t, f, options);
  for (let i = 0; i < t.n; i++) {
    const v = values[i];
    const missing = Number.isNaN(v);
    x[i * width + offset] = missing ? fill : v;
    if (spec.missing === 'indicator') x[i * width + offset + 1] = missing ? 1 : 0;
  }
  return offset + (spec.missing === 'indicator' ? 2 : 1);
}

/** The fill value in the column's current units (z-units once the table was standardised). */
function fillFor(t: Table, f: FeatureColumn, options: EncodeOptions): number {
  const name = f.spec.name;
  if (!f.values.some((v) => Number.isNaN(v))) return 0;
  const raw = options.fill?.[name];
  if (raw === undefined || !Number.isFinite(raw)) {
    throw new MedfedError(ErrorCodes.CONFIG_INVALID, `column "${name}" of ${t.source} has missing values but no fill value was given`, {
      where: `fill.${name}`,
      hint: 'pass fill values from federated statistics (fillValuesFromGlobal) or, for one site alone, localFillValues',
    });
  }
  const mean = t.scaling?.mean[name];
  const std = t.scaling?.std[name];
  return mean === undefined || std === undefined ? raw : (raw - mean) / std;
}
