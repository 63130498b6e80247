import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { readCsvFile } from '../../src/connectors/csv/read-file.js';
import { ErrorCodes, MedfedError } from '../../src/core/errors.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '../../../test/fixtures/csv');
const schema = join(fixtures, 'schema.yaml');

/** Reads a fixture and returns the MedfedError it must throw. */
async function failure(name: string): Promise<MedfedError> {
  try {
    await readCsvFile(join(fixtures, name), schema);
  } catch (e) {
    assert.ok(e instanceof MedfedError, `expected a MedfedError, got ${String(e)}`);
    return e;
  }
  assert.fail(`${name} loaded without error`);
}

test('a valid fixture loads', async () => {
  const t = await readCsvFile(join(fixtures, 'good.csv'), schema);
  assert.equal(t.n, 2);
  assert.deepEqual(Array.from(t.label), [0, 1]);
  assert.deepEqual(Array.from(t.features[1].values), [120.5, 140]);
  assert.deepEqual(Array.from(t.lines), [2, 3]);
});

test('non-numeric value in a numeric column: DATA_INVALID at file:line:column naming the column', async () => {
  const e = await failure('non-numeric.csv');
  assert.equal(e.code, ErrorCodes.DATA_INVALID);
  assert.equal(e.where, `${join(fixtures, 'non-numeric.csv')}:3:2`);
  assert.match(e.message, /"bp"/);
  assert.match(e.message, /"high" is not a number/);
});

test('a declared column absent from the header: DATA_INVALID naming the column and the file', async () => {
  const e = await failure('missing-column.csv');
  assert.equal(e.code, ErrorCodes.DATA_INVALID);
  assert.match(e.message, /"bp"/);
  assert.match(e.message, /missing-column\.csv/);
  assert.equal(e.where, `${join(fixtures, 'missing-column.csv')}:1`);
});

test('an empty file and a header-only file: DATA_UNREADABLE naming the file', async () => {
  for (const name of ['empty.csv', 'header-only.csv']) {
    const e = await failure(name);
    assert.equal(e.code, ErrorCodes.DATA_UNREADABLE);
    assert.ok(e.message.includes(name), e.message);
  }
});

test('a missing file: DATA_UNREADABLE', async () => {
  const e = await failure('no-such-file.csv');
  assert.equal(e.code, ErrorCodes.DATA_UNREADABLE);
  assert.match(e.message, /no-such-file\.csv does not exist/);
});

test('a value outside the declared range: DATA_INVALID at its line and column', async () => {
  const e = await failure('out-of-range.csv');
  assert.equal(e.code, ErrorCodes.DATA_INVALID);
  assert.equal(e.where, `${join(fixtures, 'out-of-range.csv')}:4:1`);
  assert.match(e.message, /"age": 150 a is outside the allowed range \[0, 120\]/);
});

test('an unknown categorical level: DATA_INVALID listing the declared levels', async () => {
  const e = await failure('unknown-category.csv');
  assert.equal(e.code, ErrorCodes.DATA_INVALID);
  assert.equal(e.where, `${join(fixtures, 'unknown-category.csv')}:2:3`);
  assert.match(e.message, /"group": "d" is not a declared level \("a", "b", "c"\)/);
});

test('a row with too few fields: DATA_INVALID at the first absent field', async () => {
  const e = await failure('wrong-field-count.csv');
  assert.equal(e.code, ErrorCodes.DATA_INVALID);
  assert.equal(e.where, `${join(fixtures, 'wrong-field-count.csv')}:3:4`);
  assert.match(e.message, /3 fields but the header has 4/);
});

test('line numbers count the line breaks inside quoted fields; undeclared columns are ignored', async () => {
  const e = await failure('quoted-newline.csv');
  // Row 1 spans file lines 2-3, so row 2 starts on line 4; bp is the file's 3rd field.
  assert.equal(e.where, `${join(fixtures, 'quoted-newline.csv')}:4:3`);
  assert.match(e.message, /"bp": "abc"/);
});
