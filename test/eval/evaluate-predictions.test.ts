import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ErrorCodes, MedfedError } from '../../src/core/errors.js';
import { Rng } from '../../src/core/random.js';
import { evaluatePredictions } from '../../src/eval/evaluate.js';
import { aurocByPairs, close } from './brute-force.js';

const f32 = (a: number[]) => Float32Array.from(a);

test('binary sigmoid output: the scikit-learn example, all metrics', () => {
  const m = evaluatePredictions(f32([0.1, 0.4, 0.35, 0.8]), f32([0, 0, 1, 1]), 1);
  assert.equal(m.task, 'binary');
  assert.equal(m.n, 4);
  assert.deepEqual(m.classCounts, [2, 2]);
  assert.equal(m.auroc, 0.75);
  assert.ok(close(m.auprc, 5 / 6, 1e-7));
  // At 0.5 only 0.8 is predicted positive: TP 1, FN 1, TN 2, FP 0.
  assert.equal(m.accuracy, 0.75);
  assert.equal(m.sensitivity, 0.5);
  assert.equal(m.specificity, 1);
  assert.equal(m.ppv, 1);
  assert.ok(close(m.npv, 2 / 3));
  assert.ok(close(m.f1, 2 / 3));
  assert.ok(close(m.brier, 0.158125, 1e-7));
  assert.ok(close(m.ece, 1.35 / 4, 1e-7));
  assert.deepEqual(m.undefinedReasons, {});
});

test('threshold option moves the operating point', () => {
  const m = evaluatePredictions(f32([0.1, 0.4, 0.35, 0.8]), f32([0, 0, 1, 1]), 1, { threshold: 0.3 });
  assert.equal(m.threshold, 0.3);
  assert.equal(m.sensitivity, 1);
  assert.equal(m.specificity, 0.5);
});

test('binary softmax (2 columns) equals sigmoid on column 1', () => {
  const rng = new Rng(3);
  const n = 50;
  const p1 = new Float32Array(n);
  const two = new Float32Array(2 * n);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    p1[i] = rng.uniform();
    two[2 * i] = 1 - p1[i];
    two[2 * i + 1] = p1[i];
    y[i] = rng.uniform() < p1[i] ? 1 : 0;
  }
  const a = evaluatePredictions(p1, y, 1);
  const b = evaluatePredictions(two, y, 2);
  assert.deepEqual(b, a);
  assert.ok(close(a.auroc, aurocByPairs(p1, y), 1e-12));
});

test('multi-class: accuracy, balanced accuracy, macro one-vs-rest AUROC and Brier by hand', () => {
  // 3 classes, 5 rows. argmax: 0, 1, 2, 1, 0; labels 0, 1, 1, 2, 0.
  const p = f32([0.7, 0.2, 0.1, 0.1, 0.8, 0.1, 0.2, 0.3, 0.5, 0.3, 0.4, 0.3, 0.6, 0.3, 0.1]);
  const y = f32([0, 1, 1, 2, 0]);
  const m = evaluatePredictions(p, y, 3);
  assert.equal(m.task, 'multiclass');
  assert.deepEqual(m.classCounts, [2, 2, 1]);
  assert.equal(m.accuracy, 3 / 5);
  // Recalls: class 0: 2/2, class 1: 1/2, class 2: 0/1.
  assert.ok(close(m.balancedAccuracy, 0.5, 1e-12));
  // One-vs-rest AUROC by pair counting on each column.
  const col = (c: number) => Array.from({ length: 5 }, (_, i) => p[i * 3 + c]);
  const perClass = [0, 1, 2].map((c) => aurocByPairs(col(c), Array.from(y, (v) => (v === c ? 1 : 0))) as number);
  // Class 0: scores 0.7, 0.6 vs 0.1, 0.2, 0.3 -> 1; class 2: 0.3 vs 0.1,0.1,0.5,0.1 -> 3/4.
  assert.equal(perClass[0], 1);
  assert.equal(perClass[2], 0.75);
  assert.ok(close(m.auroc, (perClass[0] + perClass[1] + perClass[2]) / 3, 1e-7));
  // Brier rows: .09+.04+.01, .01+.04+.01, .04+.49+.25, .09+.16+.49, .16+.09+.01
  assert.ok(close(m.brier, (0.14 + 0.06 + 0.78 + 0.74 + 0.26) / 5, 1e-6));
  assert.equal(m.auprc, null);
  assert.equal(m.sensitivity, null);
  assert.match(m.undefinedReasons.sensitivity ?? '', /binary/);
});

test('multi-class macro AUROC averages only the classes present', () => {
  // Class 2 never occurs: macro AUROC is the mean over classes 0 and 1.
  const p = f32([0.6, 0.3, 0.1, 0.2, 0.5, 0.3, 0.5, 0.4, 0.1]);
  const y = f32([0, 1, 1]);
  const m = evaluatePredictions(p, y, 3);
  const c0 = aurocByPairs([0.6, 0.2, 0.5], [1, 0, 0]) as number;
  const c1 = aurocByPairs([0.3, 0.5, 0.4], [0, 1, 1]) as number;
  assert.ok(close(m.auroc, (c0 + c1) / 2, 1e-7));
});

test('single class present: AUROC is null with a reason and the result has no NaN', () => {
  const m = evaluatePredictions(f32([0.2, 0.9, 0.4]), f32([1, 1, 1]), 1);
  assert.equal(m.auroc, null);
  assert.match(m.undefinedReasons.auroc ?? '', /only class 1 present/);
  assert.equal(m.specificity, null);
  assert.equal(m.auprc, 1);
  assert.deepEqual(JSON.parse(JSON.stringify(m)), m);
  const mc = evaluatePredictions(f32([0.5, 0.3, 0.2, 0.1, 0.1, 0.8]), f32([2, 2]), 3);
  assert.equal(mc.auroc, null);
  assert.match(mc.undefinedReasons.auroc ?? '', /only class 2 present/);
});

test('bad inputs throw MedfedError with fitting codes', () => {
  const code = (fn: () => unknown) => {
    try {
      fn();
    } catch (e) {
      assert.ok(e instanceof MedfedError);
      return e.code;
    }
    assert.fail('expected a throw');
  };
  assert.equal(code(() => evaluatePredictions(f32([]), f32([]), 1)), ErrorCodes.DATA_INVALID);
  assert.equal(code(() => evaluatePredictions(f32([0.1, 0.2]), f32([0]), 1)), ErrorCodes.SHAPE_MISMATCH);
  assert.equal(code(() => evaluatePredictions(f32([0.1, 1.2]), f32([0, 1]), 1)), ErrorCodes.DATA_INVALID);
  assert.equal(code(() => evaluatePredictions(f32([0.1, NaN]), f32([0, 1]), 1)), ErrorCodes.DATA_INVALID);
  assert.equal(code(() => evaluatePredictions(f32([0.1, 0.2]), f32([0, 2]), 1)), ErrorCodes.DATA_INVALID);
  assert.equal(code(() => evaluatePredictions(f32([0.1, 0.2]), f32([0, 1]), 1, { calibrationBins: 0 })), ErrorCodes.CONFIG_INVALID);
});
