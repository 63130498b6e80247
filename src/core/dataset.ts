import { ErrorCodes, MedfedError } from './errors.js';
import { sizeOf } from './tensors.js';

/**
 * An in-memory set of examples at one site. Features are row-major float32, one example after
 * the other, each of `featureShape` (channels-last). Labels are class indices (0..numClasses-1)
 * for classification, or target values for regression (then numClasses is 0).
 */
export interface Dataset {
  readonly x: Float32Array;
  readonly y: Float32Array;
  readonly n: number;
  readonly featureShape: readonly number[];
  readonly numClasses: number;
  /** Feature names (tabular data) for reports; optional. */
  readonly featureNames?: readonly string[];
}

export function makeDataset(
  x: Float32Array,
  y: Float32Array,
  featureShape: readonly number[],
  numClasses: number,
  featureNames?: readonly string[],
): Dataset {
  const per = sizeOf(featureShape);
  const n = y.length;
  if (x.length !== n * per) {
    throw new MedfedError(
      ErrorCodes.SHAPE_MISMATCH,
      `dataset has ${n} labels but ${x.length} feature values; expected ${n * per} (${per} per example)`,
    );
  }
  return { x, y, n, featureShape: [...featureShape], numClasses, featureNames };
}

/**
 * Labels per example: 1 for classification and regression, one per voxel for segmentation
 * (y holds n·D·H·W class indices).
 */
export function labelsPerExample(d: Dataset): number {
  return d.n > 0 ? d.y.length / d.n : 1;
}

/** The examples at `indices`, in that order. */
export function subset(d: Dataset, indices: ArrayLike<number>): Dataset {
  const per = sizeOf(d.featureShape);
  const yPer = labelsPerExample(d);
  const x = new Float32Array(indices.length * per);
  const y = new Float32Array(indices.length * yPer);
  for (let i = 0; i < indices.length; i++) {
    const j = indices[i];
    x.set(d.x.subarray(j * per, (j + 1) * per), i * per);
    if (yPer === 1) y[i] = d.y[j];
    else y.set(d.y.subarray(j * yPer, (j + 1) * yPer), i * yPer);
  }
  return { ...d, x, y, n: indices.length };
}

/** All examples of several datasets with the same feature shape, one after the other. */
export function concatDatasets(parts: readonly Dataset[]): Dataset {
  if (parts.length === 0) throw new MedfedError(ErrorCodes.DATA_INVALID, 'cannot concatenate zero datasets');
  const per = sizeOf(parts[0].featureShape);
  const yPer = labelsPerExample(parts.find((d) => d.n > 0) ?? parts[0]);
  const n = parts.reduce((a, d) => a + d.n, 0);
  const x = new Float32Array(n * per);
  const y = new Float32Array(n * yPer);
  let off = 0;
  for (const d of parts) {
    if (sizeOf(d.featureShape) !== per) throw new MedfedError(ErrorCodes.SHAPE_MISMATCH, 'datasets differ in feature shape');
    if (d.n > 0 && labelsPerExample(d) !== yPer) throw new MedfedError(ErrorCodes.SHAPE_MISMATCH, `datasets differ in labels per example (${labelsPerExample(d)} vs ${yPer})`);
    x.set(d.x, off * per);
    y.set(d.y, off * yPer);
    off += d.n;
  }
  return { ...parts[0], x, y, n };
}
