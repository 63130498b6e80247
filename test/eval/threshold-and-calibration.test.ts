import assert from 'node:assert/strict';
import { test } from 'node:test';
import { brierBinary, brierMulticlass } from '../../src/eval/brier.js';
import { calibration } from '../../src/eval/calibration.js';
import { confusionAt } from '../../src/eval/confusion.js';
import { thresholdMetrics } from '../../src/eval/threshold-metrics.js';
import { close } from './brute-force.js';

test('confusion counts use score >= threshold as positive', () => {
  const s = [0.1, 0.5, 0.35, 0.8, 0.6];
  const y = [0, 0, 1, 1, 1];
  assert.deepEqual(confusionAt(s, y, 0.5), { tp: 2, fp: 1, tn: 1, fn: 1 });
  assert.deepEqual(confusionAt(s, y, 0.3), { tp: 3, fp: 1, tn: 1, fn: 0 });
});

test('threshold metrics from a hand-made confusion matrix', () => {
  // TP 30, FP 10, TN 50, FN 10.
  const m = thresholdMetrics({ tp: 30, fp: 10, tn: 50, fn: 10 });
  assert.equal(m.accuracy, 0.8);
  assert.equal(m.sensitivity, 0.75);
  assert.ok(close(m.specificity, 50 / 60));
  assert.equal(m.ppv, 0.75);
  assert.ok(close(m.npv, 50 / 60));
  assert.equal(m.f1, 0.75); // 2*30 / (60 + 10 + 10)
  assert.ok(close(m.balancedAccuracy, (0.75 + 50 / 60) / 2));
  assert.deepEqual(m.undefinedReasons, {});
});

test('zero denominators give null with a reason, not NaN', () => {
  const m = thresholdMetrics({ tp: 0, fp: 0, tn: 4, fn: 0 });
  assert.equal(m.sensitivity, null);
  assert.equal(m.ppv, null);
  assert.equal(m.f1, null);
  assert.equal(m.specificity, 1);
  assert.equal(m.npv, 1);
  assert.equal(m.balancedAccuracy, 1);
  assert.match(m.undefinedReasons.sensitivity ?? '', /no positive examples/);
  assert.match(m.undefinedReasons.ppv ?? '', /predicted positive/);
});

test('Brier scores by hand', () => {
  // (0.01 + 0.16 + 0.4225 + 0.04) / 4
  assert.ok(close(brierBinary([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]), 0.158125, 1e-12));
  // Rows: (0.7,0.2,0.1) y=0 -> 0.09+0.04+0.01=0.14; (0.1,0.1,0.8) y=1 -> 0.01+0.81+0.64=1.46.
  assert.ok(close(brierMulticlass([0.7, 0.2, 0.1, 0.1, 0.1, 0.8], [0, 1], 3), (0.14 + 1.46) / 2, 1e-12));
  // Two classes: twice the binary score.
  assert.ok(close(brierMulticlass([0.9, 0.1, 0.4, 0.6], [0, 0], 2), 2 * brierBinary([0.1, 0.6], [0, 0]), 1e-12));
});

test('ECE and calibration bins by hand', () => {
  const p = [0.1, 0.4, 0.35, 0.8];
  const y = [0, 0, 1, 1];
  // Two bins: [0, .5) holds 0.1, 0.4, 0.35 (mean 0.28333, observed 1/3); [.5, 1] holds 0.8 (observed 1).
  const two = calibration(p, y, 2);
  assert.ok(close(two.ece, 0.75 * Math.abs(0.85 / 3 - 1 / 3) + 0.25 * 0.2, 1e-12));
  assert.equal(two.points.length, 2);
  assert.deepEqual(two.points.map((b) => b.count), [3, 1]);
  assert.ok(close(two.points[0].meanPredicted, 0.85 / 3, 1e-12));
  assert.ok(close(two.points[0].observed, 1 / 3, 1e-12));
  // Ten bins: every example alone in its bin, so ECE = mean |p - y| = (0.1 + 0.4 + 0.65 + 0.2) / 4.
  const ten = calibration(p, y, 10);
  assert.ok(close(ten.ece, 1.35 / 4, 1e-12));
  assert.deepEqual(ten.points.map((b) => b.lower), [0.1, 0.3, 0.4, 0.8]);
});

test('probability 1 falls in the last bin; 0 in the first; perfectly calibrated bins give ECE 0', () => {
  const c = calibration([0, 1, 1, 0.95], [0, 1, 1, 1], 10);
  assert.deepEqual(c.points.map((b) => [b.lower, b.count]), [[0, 1], [0.9, 3]]);
  const calibrated = calibration([0.25, 0.25, 0.25, 0.25, 0.75, 0.75, 0.75, 0.75], [1, 0, 0, 0, 1, 1, 1, 0], 4);
  assert.equal(calibrated.ece, 0);
});
