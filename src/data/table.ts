import type { ColumnSpec, MissingPolicy, TabularSchema } from '../connectors/csv/schema.js';
import { ErrorCodes, MedfedError } from '../core/errors.js';

/**
 * One feature column, column-major. numeric/integer: the value (in the declared unit, or z-scored
 * after standardisation); binary: 0/1 (index of the level); categorical: the level's index.
 * NaN marks a missing value kept for an impute-* or indicator policy.
 */
export interface FeatureColumn {
  readonly spec: ColumnSpec;
  readonly values: Float64Array;
}

/** What missing-value handling did while the file was read. Nothing is dropped silently. */
export interface MissingReport {
  /** Data rows in the file (header excluded). */
  readonly rowsRead: number;
  /** Rows removed by a drop-row policy, and their 1-based file lines. */
  readonly rowsDropped: number;
  readonly droppedLines: readonly number[];
  /** Per column that had missing values: how many, its policy, and how many rows it dropped. */
  readonly byColumn: readonly { column: string; policy: MissingPolicy; missing: number; droppedRows: number }[];
}

/** z-score statistics per feature (raw units), as in PrepareRequest.normalization. */
export interface Normalization {
  readonly mean: Readonly<Record<string, number>>;
  readonly std: Readonly<Record<string, number>>;
}

/** A validated table: features column-major, labels as class indices, site values if declared. */
export interface Table {
  /** File the rows came from (for messages). */
  readonly source: string;
  readonly schema: TabularSchema;
  readonly n: number;
  /** Feature columns in schema order (label and site columns excluded). */
  readonly features: readonly FeatureColumn[];
  /**
   * Class index of each row (position of its value in the label column's levels). For a survival
   * schema: the event indicator (0 censored, 1 event; labelLevels ["censored", "event"]).
   */
  readonly label: Int32Array;
  /**
   * Survival schemas only (docs/survival.md): the label as one float per row, XGBoost's survival
   * convention: +time for an event, -time for a censored row (time > 0 always).
   */
  readonly survival?: Float64Array;
  readonly labelName: string;
  readonly labelLevels: readonly string[];
  /** Site of each row when the schema names a site column. */
  readonly sites?: readonly string[];
  /** 1-based file line of each row. */
  readonly lines: Int32Array;
  readonly missing: MissingReport;
  /** The z-scoring applied by standardizeTable (src/stats/standardize.ts), if any. */
  readonly scaling?: Normalization;
}

/** The rows at `indices`, in that order (same columns, schema and missing report). */
export function selectRows(t: Table, indices: ArrayLike<number>): Table {
  const pick = <A extends Float64Array | Int32Array>(a: A, make: (n: number) => A): A => {
    const out = make(indices.length);
    for (let i = 0; i < indices.length; i++) {
      const j = indices[i];
      if (!(j >= 0 && j < t.n && Number.isInteger(j))) {
        throw new MedfedError(ErrorCodes.INTERNAL, `row index ${j} is outside the table (${t.n} rows)`);
      }
      out[i] = a[j];
    }
    return out;
  };
  return {
    ...t,
    n: indices.length,
    features: t.features.map((f) => ({ spec: f.spec, values: pick(f.values, (n) => new Float64Array(n)) })),
    label: pick(t.label, (n) => new Int32Array(n)),
    ...(t.survival ? { survival: pick(t.survival, (n) => new Float64Array(n)) } : {}),
    lines: pick(t.lines, (n) => new Int32Array(n)),
    sites: t.sites ? Array.from(indices, (j) => t.sites![j]) : undefined,
  };
}

/** The feature column called `name`; CONFIG_INVALID when the table has none. */
export function featureColumn(t: Table, name: string): FeatureColumn {
  const f = t.features.find((c) => c.spec.name === name);
  if (!f) {
    throw new MedfedError(ErrorCodes.CONFIG_INVALID, `table ${t.source} has no feature column "${name}"`, {
      hint: `its features are: ${t.features.map((c) => c.spec.name).join(', ')}`,
    });
  }
  return f;
}

/** Number of rows per class (length = number of label levels). */
export function labelCounts(t: Table): number[] {
  const counts = t.labelLevels.map(() => 0);
  for (let i = 0; i < t.n; i++) counts[t.label[i]]++;
  return counts;
}
