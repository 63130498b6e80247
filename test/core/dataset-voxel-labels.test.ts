import assert from 'node:assert/strict';
import { test } from 'node:test';
import { concatDatasets, labelsPerExample, subset, type Dataset } from '../../src/core/dataset.js';

// Segmentation: 3 examples of 2×2 voxels (1 channel), one class label per voxel.
const seg: Dataset = {
  x: Float32Array.from({ length: 12 }, (_, i) => i),
  y: Float32Array.from({ length: 12 }, (_, i) => 100 + i),
  n: 3,
  featureShape: [2, 2, 1],
  numClasses: 4,
};

test('subset and concatDatasets keep every voxel label of a segmentation example', () => {
  assert.equal(labelsPerExample(seg), 4);
  const s = subset(seg, [2, 0]);
  assert.equal(s.n, 2);
  assert.deepEqual([...s.x], [8, 9, 10, 11, 0, 1, 2, 3]);
  assert.deepEqual([...s.y], [108, 109, 110, 111, 100, 101, 102, 103]);
  const c = concatDatasets([s, subset(seg, [1])]);
  assert.equal(c.n, 3);
  assert.deepEqual([...c.y], [108, 109, 110, 111, 100, 101, 102, 103, 104, 105, 106, 107]);
  assert.deepEqual([...c.x], [8, 9, 10, 11, 0, 1, 2, 3, 4, 5, 6, 7]);
});

test('one label per example still works, and mixing label layouts is a shape error', () => {
  const cls: Dataset = { x: Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]), y: Float32Array.from([0, 1, 2]), n: 3, featureShape: [2, 2, 1], numClasses: 4 };
  assert.deepEqual([...subset(cls, [2, 1]).y], [2, 1]);
  assert.deepEqual([...concatDatasets([cls, cls]).y], [0, 1, 2, 0, 1, 2]);
  assert.throws(() => concatDatasets([seg, cls]), /labels per example/);
});
