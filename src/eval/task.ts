/**
 * What a model predicts, derived from its loss and output shape (the model spec says it all):
 * - binary / multiclass: softmax or sigmoid cross-entropy with one output row per example;
 * - segmentation: per-voxel softmax cross-entropy (`voxel_softmax_cross_entropy`): one class row per voxel/pixel;
 * - regression: mean squared error;
 * - survival: a Cox partial-likelihood loss (one risk score per example).
 * Each task has its headline metric, used for progress lines, "best run" and report charts.
 */
export const taskKinds = ['binary', 'multiclass', 'regression', 'survival', 'segmentation', 'multi-task'] as const;
export type TaskKind = (typeof taskKinds)[number];

/** Headline metric of each task and whether higher is better. */
export const primaryMetricOf: Readonly<Record<TaskKind, { readonly name: string; readonly higherIsBetter: boolean }>> = {
  binary: { name: 'auroc', higherIsBetter: true },
  multiclass: { name: 'auroc', higherIsBetter: true },
  regression: { name: 'rmse', higherIsBetter: false },
  survival: { name: 'cIndex', higherIsBetter: true },
  segmentation: { name: 'dice', higherIsBetter: true },
  // Multi-task studies (each site its own assay and loss): mean over sites of each site's test loss;
  // the per-site RMSE / AUROC are in each run's perSite metrics (simulator/multi-task.ts).
  'multi-task': { name: 'loss', higherIsBetter: false },
};

/** Columns of a comparison table for each task (first = headline). */
export const comparisonMetricsOf: Readonly<Record<TaskKind, readonly string[]>> = {
  binary: ['auroc', 'auprc', 'accuracy', 'sensitivity', 'specificity', 'brier', 'ece'],
  multiclass: ['auroc', 'accuracy', 'balancedAccuracy', 'brier', 'ece'],
  regression: ['rmse', 'mae', 'r2'],
  survival: ['cIndex', 'loss'],
  segmentation: ['dice', 'voxelAccuracy'],
  'multi-task': ['loss'],
};

/**
 * The task of a model with this loss and per-example output shape. `numClasses` disambiguates a
 * 1-output sigmoid (binary) from a softmax over 3+ classes (multiclass).
 */
export function taskOf(loss: string, outputShape: readonly number[]): TaskKind {
  if (loss === 'mse') return 'regression';
  if (loss === 'cox') return 'survival';
  if (loss === 'voxel_softmax_cross_entropy' || outputShape.length > 1) return 'segmentation';
  const outputs = outputShape[0];
  return outputs <= 2 ? 'binary' : 'multiclass';
}
