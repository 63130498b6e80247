import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { readCsvFile } from '../../src/connectors/csv/read-file.js';
import { toDataset } from '../../src/data/encode.js';
import { labelCounts } from '../../src/data/table.js';
import { loadStudySpec } from '../../src/node/load-study-spec.js';
import { prepareStudyData } from '../../src/simulator/study-data.js';

const dir = join(process.cwd(), 'data', 'genomics');

/** The file split naively (only the header and the text columns are quoted), for an independent check. */
function naive(file: string): { header: string[]; rows: string[][] } {
  const lines = readFileSync(join(dir, file), 'utf8').trim().split('\n');
  const split = (l: string) => l.split(',').map((x) => x.replace(/^"|"$/g, ''));
  return { header: split(lines[0]), rows: lines.slice(1).map(split) };
}

test('bladder expression: 57 samples x 1,000 genes, label per batch as in the raw file', async () => {
  const t = await readCsvFile(join(dir, 'bladder_expression_top1000.csv'), join(dir, 'bladder-schema.yaml'));
  assert.equal(t.n, 57);
  assert.equal(t.features.length, 1000);
  assert.deepEqual(t.labelLevels, ['Normal', 'Biopsy', 'Cancer']);
  assert.deepEqual(labelCounts(t), [8, 9, 40]);
  // Label distribution per processing batch: the confounding the study reports (docs/genomics.md).
  const perBatch = new Map<string, number[]>();
  for (let i = 0; i < t.n; i++) {
    const b = t.sites![i];
    if (!perBatch.has(b)) perBatch.set(b, [0, 0, 0]);
    perBatch.get(b)![t.label[i]]++;
  }
  assert.deepEqual(Object.fromEntries(perBatch), { '1': [0, 0, 11], '2': [4, 0, 14], '3': [4, 0, 0], '4': [0, 5, 0], '5': [0, 4, 15] });
  // Every encoded value equals the file's text read as a number.
  const d = toDataset(t);
  const { header, rows } = naive('bladder_expression_top1000.csv');
  assert.deepEqual(d.featureShape, [1000]);
  for (const [r, c] of [[0, 3], [56, 1002], [30, 500]]) {
    assert.ok(Math.abs(d.x[r * 1000 + (c - 3)] - Number(rows[r][c])) < 1e-5, `${header[c]} row ${r}`);
  }
});

test('ALL expression: 128 patients, B 95 / T 33, 1,000 genes; ignored columns with NA do not stop loading', async () => {
  const t = await readCsvFile(join(dir, 'all_leukemia_expression_top1000.csv'), join(dir, 'all-leukemia-schema.yaml'));
  assert.equal(t.n, 128);
  assert.equal(t.features.length, 1000);
  assert.deepEqual(labelCounts(t), [95, 33]);
  assert.equal(t.missing.rowsDropped, 0);
  const { rows } = naive('all_leukemia_expression_top1000.csv');
  const d = toDataset(t);
  assert.ok(Math.abs(d.x[127 * 1000 + 999] - Number(rows[127][1004])) < 1e-5);
});

test('the genomics studies load and split as documented: 5 batches as sites; 4 Dirichlet hospitals', async () => {
  const bladder = loadStudySpec(join(process.cwd(), 'examples', 'genomics', 'bladder.yaml'));
  const b = await prepareStudyData(bladder.spec, bladder.baseDir);
  assert.deepEqual(b.sites.map((s) => s.siteId), ['1', '2', '3', '4', '5']);
  assert.equal(b.task, 'multiclass');
  const all = loadStudySpec(join(process.cwd(), 'examples', 'genomics', 'all-leukemia.yaml'));
  const a = await prepareStudyData(all.spec, all.baseDir);
  assert.equal(a.sites.length, 4);
  assert.equal(a.task, 'binary');
  assert.equal(a.siteSummaries.reduce((s, x) => s + x.trainExamples + x.testExamples, 0), 128);
});
