import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { bundledDatasetDir, readTabularSchemaFile } from '../../src/connectors/csv/read-file.js';
import { parseTabularSchema, parseTabularSchemaYaml } from '../../src/connectors/csv/schema.js';
import { ErrorCodes, MedfedError } from '../../src/core/errors.js';

const base = {
  label: 'y',
  columns: [
    { name: 'x', type: 'numeric' },
    { name: 'y', type: 'binary' },
  ],
};

function configError(value: unknown): MedfedError {
  try {
    parseTabularSchema(value, 'test.yaml');
  } catch (e) {
    assert.ok(e instanceof MedfedError && e.code === ErrorCodes.CONFIG_INVALID, String(e));
    return e;
  }
  assert.fail('schema was accepted');
}

test('the bundled heart schema parses, with defaults filled in', async () => {
  const s = await readTabularSchemaFile(join(bundledDatasetDir('heart'), 'schema.yaml'));
  assert.equal(s.label, 'heart_disease');
  assert.equal(s.columns.length, 14);
  assert.deepEqual(s.missingTokens, ['', 'NA', '?']);
  assert.equal(s.columns.find((c) => c.name === 'resting_bp')?.unit, 'mm[Hg]');
  assert.ok(s.columns.every((c) => c.missing === 'error'));
  const fixture = await readTabularSchemaFile(join(dirname(fileURLToPath(import.meta.url)), '../../../test/fixtures/csv/schema.yaml'));
  assert.deepEqual(fixture.columns[3].levels, ['no', 'yes']);
});

test('schema mistakes are CONFIG_INVALID naming the path', () => {
  const cases: [unknown, RegExp][] = [
    [{ ...base, label: 'z' }, /label: label "z" is not a declared column/],
    [{ ...base, columns: [...base.columns, { name: 'c', type: 'categorical' }] }, /columns\[2\]\.levels: a categorical column needs/],
    [{ ...base, columns: [{ name: 'x', type: 'numeric', min: 5, max: 1 }, base.columns[1]] }, /columns\[0\]\.min: min 5 is above max 1/],
    [{ ...base, columns: [...base.columns, { name: 'x', type: 'integer' }] }, /declared twice/],
    [{ ...base, columns: [base.columns[0], { name: 'y', type: 'numeric' }] }, /label column must be binary or categorical/],
    [{ ...base, columns: [base.columns[0], { name: 'y', type: 'binary', missing: 'impute-mean' }] }, /label column takes missing: error or drop-row/],
    [{ ...base, colums: [] }, /colums/],
    [{ ...base, columns: [{ name: 'x', type: 'text' }, base.columns[1]] }, /columns\[0\]\.type/],
  ];
  for (const [value, pattern] of cases) {
    const e = configError(value);
    assert.match(e.message, pattern);
    assert.equal(e.where, 'test.yaml');
  }
});

test('YAML syntax errors carry file:line:column', () => {
  assert.throws(
    () => parseTabularSchemaYaml('label: y\ncolumns: [\n  {name: x\n', 's.yaml'),
    (e: unknown) => e instanceof MedfedError && e.code === ErrorCodes.CONFIG_INVALID && /^s\.yaml:\d+:\d+$/.test(e.where ?? ''),
  );
});
