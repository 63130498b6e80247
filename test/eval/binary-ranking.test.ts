import assert from 'node:assert/strict';
import { test } from 'node:test';
import { auprc } from '../../src/eval/auprc.js';
import { auroc } from '../../src/eval/auroc.js';
import { Rng } from '../../src/core/random.js';
import { aurocByPairs, averagePrecisionBySweep, close } from './brute-force.js';

test('scikit-learn documentation example: roc_auc_score = 0.75, average_precision_score = 0.8333', () => {
  const y = [0, 0, 1, 1];
  const s = [0.1, 0.4, 0.35, 0.8];
  assert.equal(auroc(s, y), 0.75);
  assert.ok(close(auprc(s, y), 5 / 6, 1e-12));
});

test('hand-worked example with a tie between a positive and a negative', () => {
  // Pairs: pos 0.5 vs neg 0.5 -> 1/2, pos 0.5 vs neg 0.2 -> 1, pos 0.9 beats both -> 2; 3.5 / 4.
  const y = [0, 1, 0, 1];
  const s = [0.5, 0.5, 0.2, 0.9];
  assert.equal(auroc(s, y), 0.875);
  // Thresholds 0.9: R=1/2 P=1; 0.5: R=1 P=2/3; AP = 1/2 * 1 + 1/2 * 2/3 = 5/6.
  assert.ok(close(auprc(s, y), 5 / 6, 1e-12));
});

test('all scores tied: AUROC is 1/2 and AP is the prevalence', () => {
  const y = [1, 0, 0, 1, 0];
  const s = [0.3, 0.3, 0.3, 0.3, 0.3];
  assert.equal(auroc(s, y), 0.5);
  assert.ok(close(auprc(s, y), 2 / 5, 1e-12));
});

test('perfect and reversed rankings', () => {
  assert.equal(auroc([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1]), 1);
  assert.equal(auroc([0.9, 0.8, 0.2, 0.1], [0, 0, 1, 1]), 0);
  assert.equal(auprc([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1]), 1);
  // Reversed: thresholds 0.9, 0.8 give no TP; 0.2 -> R=1/2 P=1/3; 0.1 -> R=1 P=1/2.
  assert.ok(close(auprc([0.9, 0.8, 0.2, 0.1], [0, 0, 1, 1]), 0.5 / 3 + 0.5 / 2, 1e-12));
});

test('a single class present: AUROC is null; AP is null without positives and 1 with only positives', () => {
  assert.equal(auroc([0.2, 0.7], [1, 1]), null);
  assert.equal(auroc([0.2, 0.7], [0, 0]), null);
  assert.equal(auprc([0.2, 0.7], [0, 0]), null);
  assert.equal(auprc([0.2, 0.7], [1, 1]), 1);
});

test('matches brute force on random data with many ties', () => {
  const rng = new Rng(7);
  for (let trial = 0; trial < 200; trial++) {
    const n = 2 + rng.int(60);
    const levels = 1 + rng.int(12); // few distinct scores -> many ties
    const scores = new Float32Array(n);
    const labels = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      labels[i] = rng.uniform() < 0.3 + 0.4 * rng.uniform() ? 1 : 0;
      scores[i] = Math.round(rng.uniform() * levels) / levels;
    }
    assert.ok(close(auroc(scores, labels), aurocByPairs(scores, labels), 1e-12), `AUROC trial ${trial}`);
    assert.ok(close(auprc(scores, labels), averagePrecisionBySweep(scores, labels), 1e-12), `AP trial ${trial}`);
  }
});
