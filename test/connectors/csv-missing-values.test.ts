import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseCsv } from '../../src/connectors/csv/parse.js';
import { parseTabularSchema } from '../../src/connectors/csv/schema.js';
import { ErrorCodes, MedfedError } from '../../src/core/errors.js';
import { toDataset } from '../../src/data/encode.js';
import { localFillValues } from '../../src/data/fill-values.js';

const text = readFileSync(join(dirname(fileURLToPath(import.meta.url)), '../../../test/fixtures/csv/missing-values.csv'), 'utf8');
const schemaWith = (policies: Record<string, string>) =>
  parseTabularSchema({
    label: 'outcome',
    columns: [
      { name: 'age', type: 'integer', missing: policies.age ?? 'error' },
      { name: 'bp', type: 'numeric', missing: policies.bp ?? 'error' },
      { name: 'chol', type: 'numeric', missing: policies.chol ?? 'error' },
      { name: 'group', type: 'categorical', levels: ['a', 'b', 'c'], encoding: 'index' },
      { name: 'outcome', type: 'binary', levels: ['no', 'yes'] },
    ],
  });

test('missing value with the default policy "error": DATA_INVALID at its cell', () => {
  assert.throws(
    () => parseCsv(text, 'mv.csv', schemaWith({})),
    (e: unknown) => e instanceof MedfedError && e.code === ErrorCodes.DATA_INVALID && e.where === 'mv.csv:3:1' && /"age": missing/.test(e.message),
  );
});

test('drop-row, impute-mean and indicator: dropped rows counted, fills and indicator encoded', () => {
  const t = parseCsv(text, 'mv.csv', schemaWith({ age: 'drop-row', bp: 'impute-mean', chol: 'indicator' }));
  assert.equal(t.n, 4);
  assert.deepEqual(Array.from(t.lines), [2, 4, 5, 6]);
  assert.equal(t.missing.rowsRead, 5);
  assert.equal(t.missing.rowsDropped, 1);
  assert.deepEqual(t.missing.droppedLines, [3]);
  assert.deepEqual(t.missing.byColumn, [
    { column: 'age', policy: 'drop-row', missing: 1, droppedRows: 1 },
    { column: 'bp', policy: 'impute-mean', missing: 1, droppedRows: 0 },
    { column: 'chol', policy: 'indicator', missing: 1, droppedRows: 0 },
  ]);
  // Kept rows: bp 120, -, 140, 110; chol 200, 220, -, 190.
  const fill = localFillValues(t);
  assert.equal(fill.bp, (120 + 140 + 110) / 3);
  assert.equal(fill.chol, (200 + 220 + 190) / 3);
  const d = toDataset(t, { fill });
  assert.deepEqual(d.featureNames, ['age', 'bp', 'chol', 'chol_missing', 'group']);
  const f = Math.fround;
  assert.deepEqual(Array.from(d.x), [
    50, 120, 200, 0, 0,
    61, f(370 / 3), 220, 0, 0,
    70, 140, f(610 / 3), 1, 2,
    45, 110, 190, 0, 1,
  ]);
});

test('impute-median uses the median; encoding without fill values for a missing column is refused', () => {
  const t = parseCsv(text, 'mv.csv', schemaWith({ age: 'impute-median', bp: 'impute-median', chol: 'impute-mean' }));
  assert.equal(t.n, 5);
  assert.equal(localFillValues(t).age, 55.5); // ages present: 45, 50, 61, 70
  assert.throws(() => toDataset(t), (e: unknown) => e instanceof MedfedError && e.code === ErrorCodes.CONFIG_INVALID);
});
