import assert from 'node:assert/strict';
import { test } from 'node:test';
import { evaluateOutputs } from '../../src/eval/evaluate-outputs.js';
import { segmentationMetrics } from '../../src/eval/dice.js';
import { regressionMetrics } from '../../src/eval/regression.js';
import { primaryMetricOf, taskKinds, taskOf } from '../../src/eval/task.js';
import { rankableMetrics } from '../../src/report/metrics-schema.js';

test('the task follows from the loss and the output shape', () => {
  assert.equal(taskOf('softmax_cross_entropy', [2]), 'binary');
  assert.equal(taskOf('sigmoid_cross_entropy', [1]), 'binary');
  assert.equal(taskOf('softmax_cross_entropy', [5]), 'multiclass');
  assert.equal(taskOf('voxel_softmax_cross_entropy', [8, 8, 8, 4]), 'segmentation');
  assert.equal(taskOf('mse', [1]), 'regression');
  assert.equal(taskOf('cox', [1]), 'survival');
});

test("every task's headline metric can rank runs in a report", () => {
  for (const t of taskKinds) assert.ok(primaryMetricOf[t].name in rankableMetrics, t);
  for (const t of taskKinds) assert.equal(rankableMetrics[primaryMetricOf[t].name as keyof typeof rankableMetrics] === 'higher', primaryMetricOf[t].higherIsBetter, t);
});

test('regression metrics: RMSE, MAE and R² by hand', () => {
  const m = regressionMetrics(new Float32Array([1, 2, 4]), new Float32Array([1, 3, 3]));
  assert.ok(Math.abs(m.rmse - Math.sqrt(2 / 3)) < 1e-12);
  assert.ok(Math.abs(m.mae - 2 / 3) < 1e-12);
  // SST: mean 7/3, (16+4+4)/9 = 24/9; SSE 2 → R² = 1 - 2 / (24/9) = 0.25
  assert.ok(Math.abs((m.r2 ?? NaN) - 0.25) < 1e-12);
  assert.equal(regressionMetrics(new Float32Array([1, 2]), new Float32Array([3, 3])).r2, null);
  assert.throws(() => regressionMetrics(new Float32Array([NaN]), new Float32Array([1])), /diverged|NaN/);
});

test('Dice per class over all voxels, background excluded from the mean', () => {
  // 6 voxels, 3 classes; predicted (argmax) = [0, 1, 1, 2, 0, 0]; truth = [0, 1, 2, 2, 1, 0]
  const probs = new Float32Array([
    0.8, 0.1, 0.1, 0.1, 0.8, 0.1, 0.2, 0.7, 0.1, 0.1, 0.2, 0.7, 0.6, 0.3, 0.1, 0.9, 0.05, 0.05,
  ]);
  const labels = new Float32Array([0, 1, 2, 2, 1, 0]);
  const m = segmentationMetrics(probs, labels, 3, 1);
  // class 1: TP 1, predicted 2, actual 2 → 2/4 = 0.5; class 2: TP 1, predicted 1, actual 2 → 2/3
  assert.ok(Math.abs((m.dicePerClass[1] ?? NaN) - 0.5) < 1e-12);
  assert.ok(Math.abs((m.dicePerClass[2] ?? NaN) - 2 / 3) < 1e-12);
  assert.ok(Math.abs((m.dice ?? NaN) - (0.5 + 2 / 3) / 2) < 1e-12);
  assert.equal(m.voxelAccuracy, 4 / 6);
  const viaTask = evaluateOutputs('voxel_softmax_cross_entropy', probs, labels, [3, 2, 1, 3], 1);
  assert.equal(viaTask.task, 'segmentation');
  assert.equal(viaTask.dice_2, m.dicePerClass[2]);
  // a class neither present nor predicted has no Dice, with a reason
  const none = segmentationMetrics(new Float32Array([1, 0, 0, 1, 0, 0]), new Float32Array([0, 0]), 3, 1);
  assert.equal(none.dice, null);
  assert.match(none.undefinedReasons.dice, /no foreground/);
  assert.throws(() => segmentationMetrics(probs, labels, 4, 1), /probabilities for 6 voxels/);
});

test('classification outputs keep their metrics', () => {
  const m = evaluateOutputs('softmax_cross_entropy', new Float32Array([0.9, 0.1, 0.2, 0.8]), new Float32Array([0, 1]), [2], 2);
  assert.equal(m.task, 'binary');
  assert.equal(m.auroc, 1);
});
