import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { splitCsvRecords } from '../../src/connectors/csv/records.js';
import { ErrorCodes, MedfedError } from '../../src/core/errors.js';

const cases = [
  'a,b,c\n1,2,3\n',
  'a,b\r\n1,2\r\n3,4',
  'a,b\n"x, y","he said ""hi"""\n',
  'a,b\n"multi\nline\r\nfield",2\n3,4\n',
  '\ufeffa,b\n1,\n,2\n',
  'a,b\n\n1,2\n\n\n3,4\n',
  'a;b\n1;2\n',
];

test('records and fields agree with csv-parse (the reference parser) on quoting and line endings', () => {
  for (const text of cases) {
    const delimiter = text.includes(';') ? ';' : ',';
    const ours = splitCsvRecords(text, 'x.csv', delimiter).map((r) => r.fields);
    const reference = parse(text, { bom: true, skip_empty_lines: true, relax_column_count: true, delimiter }) as string[][];
    assert.deepEqual(ours, reference, JSON.stringify(text));
  }
});

test('each record carries the file line it starts on', () => {
  const lines = splitCsvRecords('h1,h2\n"a\nb",1\n\nc,2\r\nd,3', 'x.csv').map((r) => r.line);
  assert.deepEqual(lines, [1, 2, 5, 6]);
});

test('an unclosed quote and text after a closing quote are DATA_INVALID with their position', () => {
  for (const [text, where] of [
    ['a,b\n1,"open\n', 'x.csv:2:2'],
    ['a,b\n1,2\n"x"y,3\n', 'x.csv:3:1'],
  ] as const) {
    assert.throws(
      () => splitCsvRecords(text, 'x.csv'),
      (e: unknown) => e instanceof MedfedError && e.code === ErrorCodes.DATA_INVALID && e.where === where,
    );
  }
});
