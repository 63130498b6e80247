import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { bundledDatasetDir, readHeartDataset } from '../../src/connectors/csv/read-file.js';
import { toDataset } from '../../src/data/encode.js';
import { labelCounts } from '../../src/data/table.js';

/** The heart file split naively (it has no quotes), one number array per row. */
function naiveRows(): { header: string[]; rows: number[][] } {
  const text = readFileSync(join(bundledDatasetDir('heart'), 'statlog_heart.csv'), 'utf8').trim().split('\n');
  return { header: text[0].split(','), rows: text.slice(1).map((l) => l.split(',').map(Number)) };
}

test('the bundled heart CSV loads: 270 rows, 120 with heart disease, no missing values', async () => {
  const t = await readHeartDataset();
  assert.equal(t.n, 270);
  assert.deepEqual(labelCounts(t), [150, 120]);
  assert.deepEqual(t.labelLevels, ['0', '1']);
  assert.equal(t.missing.rowsRead, 270);
  assert.equal(t.missing.rowsDropped, 0);
  assert.equal(t.features.length, 13);
});

test('heart encoding: 22 features, one-hot categoricals, equal to a hand encoding of every row', async () => {
  const t = await readHeartDataset();
  const d = toDataset(t);
  const { header, rows } = naiveRows();
  const oneHot: Record<string, number[]> = { chest_pain_type: [1, 2, 3, 4], resting_ecg: [0, 1, 2], st_slope: [1, 2, 3], thal: [3, 6, 7] };
  assert.deepEqual(d.featureShape, [22]);
  assert.equal(d.numClasses, 2);
  assert.equal(d.featureNames?.[2], 'chest_pain_type=1');
  rows.forEach((row, i) => {
    const expected: number[] = [];
    header.forEach((name, j) => {
      if (name === 'heart_disease') return;
      if (oneHot[name]) expected.push(...oneHot[name].map((level) => (row[j] === level ? 1 : 0)));
      else expected.push(row[j]);
    });
    assert.deepEqual(Array.from(d.x.subarray(i * 22, (i + 1) * 22)), Array.from(Float32Array.from(expected)), `row ${i}`);
    assert.equal(d.y[i], row[header.indexOf('heart_disease')]);
  });
});
