import { ErrorCodes, MedfedError } from '../core/errors.js';
import { segmentationMetrics } from './dice.js';
import { evaluatePredictions } from './evaluate.js';
import { regressionMetrics } from './regression.js';
import { survivalMetrics } from './survival-metrics.js';
import { taskOf, type TaskKind } from './task.js';

/** The metrics of any record: plain JSON (numbers, null, arrays, small objects), as results.json keeps it. */
export type TaskMetrics = { readonly task: TaskKind; readonly n: number } & Record<string, unknown>;

/**
 * Metrics of a model's outputs on a labelled set, for whatever the model predicts (eval/task.ts):
 * classification metrics of probabilities, RMSE/MAE/R² of regression values, Harrell's C-index of
 * Cox risk scores, Dice of per-voxel class probabilities. `outputShape` is the model's output per
 * example (model-params ModelLayout.outputShape), `n` the number of examples.
 */
export function evaluateOutputs(
  loss: string,
  outputs: Float32Array,
  labels: Float32Array,
  outputShape: readonly number[],
  n: number,
  options: { where?: string } = {},
): TaskMetrics {
  const where = options.where ?? 'evaluation';
  const task = taskOf(loss, outputShape);
  switch (task) {
    case 'binary':
    case 'multiclass':
      return evaluatePredictions(outputs, labels, outputShape[0], { where });
    case 'regression':
      return regressionMetrics(outputs, labels, where);
    case 'segmentation': {
      const m = segmentationMetrics(outputs, labels, outputShape[outputShape.length - 1], n, where);
      // Each structure's Dice as its own scalar (dice_1, dice_2, ...) so results and reports list it.
      const perClass = Object.fromEntries(m.dicePerClass.flatMap((d, c) => (c > 0 ? [[`dice_${c}`, d]] : [])));
      return { ...m, ...perClass };
    }
    case 'survival':
      return survivalMetrics(outputs, labels, where);
    case 'multi-task':
      // taskOf never gives it: a multi-task study evaluates each site with its own loss.
      throw new MedfedError(ErrorCodes.INTERNAL, `${where}: a multi-task model is evaluated per site, with each site's own loss`);
  }
}
