import assert from 'node:assert/strict';
import { test } from 'node:test';
import { stratifiedSplit } from '../../src/data/split.js';

test('stratified split keeps each class share, covers every row once, and replays by seed', () => {
  const labels = Int32Array.from({ length: 103 }, (_, i) => (i % 3 === 0 ? 1 : i % 7 === 0 ? 2 : 0));
  const counts = [0, 0, 0];
  labels.forEach((y) => counts[y]++);
  const s = stratifiedSplit(labels, { testFraction: 0.25, seed: 11 });
  const testCounts = [0, 0, 0];
  s.test.forEach((i) => testCounts[labels[i]]++);
  assert.deepEqual(testCounts, counts.map((c) => Math.round(c * 0.25)));
  assert.deepEqual([...s.train, ...s.test].sort((a, b) => a - b), Array.from({ length: 103 }, (_, i) => i));
  assert.deepEqual(s, stratifiedSplit(labels, { testFraction: 0.25, seed: 11 }));
  assert.notDeepEqual(s, stratifiedSplit(labels, { testFraction: 0.25, seed: 12 }));
});

test('a class with two or more rows has at least one row on each side', () => {
  const s = stratifiedSplit([0, 0, 0, 0, 0, 0, 0, 0, 1, 1], { testFraction: 0.1, seed: 1 });
  const testLabels = s.test.map((i) => (i >= 8 ? 1 : 0));
  assert.deepEqual(testLabels.sort(), [0, 1]);
  assert.equal(s.train.length, 8);
});

test('testFraction outside (0, 1) is refused', () => {
  assert.throws(() => stratifiedSplit([0, 1], { testFraction: 1, seed: 1 }), /testFraction must be in \(0, 1\)/);
});
