import { ErrorCodes, MedfedError } from '../core/errors.js';
import { argmaxRow } from './multiclass.js';
import { requireClassLabels, requireNonEmpty } from './validate-inputs.js';

/**
 * Segmentation metrics from per-voxel class probabilities (channels-last rows of `numClasses`)
 * against per-voxel class labels. Class 0 is background. The Dice of class c is
 * 2·TP / (2·TP + FP + FN) over all voxels of the evaluation set (every patch or volume pooled:
 * patches that miss a structure still count its false positives); `dice` is the mean over the
 * foreground classes present in the labels or the predictions. A class absent from both has no
 * Dice (null, with the reason).
 */
export type SegmentationMetrics = {
  readonly task: 'segmentation';
  /** Examples (patches or volumes). */
  readonly n: number;
  readonly voxels: number;
  readonly numClasses: number;
  readonly dice: number | null;
  readonly voxelAccuracy: number;
  /** Dice of each class (index = class; index 0, background, included for completeness). */
  readonly dicePerClass: (number | null)[];
  readonly undefinedReasons: Record<string, string>;
};

export function segmentationMetrics(probabilities: Float32Array, labels: Float32Array, numClasses: number, n: number, where = 'segmentation metrics'): SegmentationMetrics {
  const voxels = labels.length;
  requireNonEmpty(voxels, where);
  if (probabilities.length !== voxels * numClasses) {
    throw new MedfedError(ErrorCodes.SHAPE_MISMATCH, `${probabilities.length} probabilities for ${voxels} voxels of ${numClasses} classes`, { where });
  }
  requireClassLabels(labels, numClasses, where);
  const tp = new Float64Array(numClasses);
  const predicted = new Float64Array(numClasses);
  const actual = new Float64Array(numClasses);
  let correct = 0;
  for (let v = 0; v < voxels; v++) {
    const p = argmaxRow(probabilities, v, numClasses);
    const t = labels[v];
    predicted[p]++;
    actual[t]++;
    if (p === t) {
      tp[p]++;
      correct++;
    }
  }
  const dicePerClass: (number | null)[] = [];
  const undefinedReasons: Record<string, string> = {};
  const foreground: number[] = [];
  for (let c = 0; c < numClasses; c++) {
    const denom = predicted[c] + actual[c];
    if (denom === 0) {
      dicePerClass.push(null);
      undefinedReasons[`dice_${c}`] = `class ${c} is neither in the labels nor predicted`;
      continue;
    }
    const d = (2 * tp[c]) / denom;
    dicePerClass.push(d);
    if (c > 0) foreground.push(d);
  }
  if (foreground.length === 0) undefinedReasons.dice = 'no foreground class in the labels or the predictions';
  return {
    task: 'segmentation',
    n,
    voxels,
    numClasses,
    dice: foreground.length ? foreground.reduce((a, b) => a + b, 0) / foreground.length : null,
    voxelAccuracy: correct / voxels,
    dicePerClass,
    undefinedReasons,
  };
}
