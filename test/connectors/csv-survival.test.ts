import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseCsv } from '../../src/connectors/csv/parse.js';
import { bundledDatasetDir, readCsvFile } from '../../src/connectors/csv/read-file.js';
import { parseTabularSchema, type TabularSchemaInput } from '../../src/connectors/csv/schema.js';
import { ErrorCodes, MedfedError } from '../../src/core/errors.js';
import { toDataset } from '../../src/data/encode.js';
import { localFillValues } from '../../src/data/fill-values.js';
import { selectRows, type Table } from '../../src/data/table.js';
import { normalizationFromGlobal } from '../../src/stats/standardize.js';
import type { GlobalStatistics } from '../../src/stats/types.js';

const base: TabularSchemaInput = {
  columns: [
    { name: 'age', type: 'integer' },
    { name: 'days', type: 'integer', unit: 'd' },
    { name: 'status', type: 'categorical', levels: ['0', '1', '2'] },
  ],
  survival: { time: 'days', event: 'status', eventValue: ['1', '2'] },
  site: 'hospital',
};

const isError = (code: string, pattern: RegExp, where?: RegExp) => (e: unknown) =>
  e instanceof MedfedError && e.code === code && pattern.test(e.message) && (where === undefined || where.test(e.where ?? ''));

test('a survival table carries y = +time for an event, -time censored, and the event indicator as label', () => {
  const schema = parseTabularSchema(base);
  const t = parseCsv('hospital,age,days,status\nA,61,625,2\nA,42,2118,0\nB,48,83,1\n', 'pbc.csv', schema);
  assert.deepEqual(Array.from(t.survival!), [625, -2118, 83]);
  assert.deepEqual(Array.from(t.label), [1, 0, 1]);
  assert.deepEqual(t.labelLevels, ['censored', 'event']);
  assert.equal(t.labelName, 'status');
  assert.deepEqual(t.features.map((f) => f.spec.name), ['age'], 'time and event are not features');
  assert.deepEqual(t.sites, ['A', 'A', 'B']);
  const d = toDataset(t);
  assert.deepEqual(Array.from(d.y), [625, -2118, 83]);
  assert.equal(d.numClasses, 0);
  assert.deepEqual(Array.from(selectRows(t, [2, 0]).survival!), [83, 625]);
  // Federated normalisation needs statistics of the features only, not of the time column.
  const g = { features: { age: { mean: 50, std: 10 } } } as unknown as GlobalStatistics;
  assert.deepEqual(normalizationFromGlobal(g, schema), { mean: { age: 50 }, std: { age: 10 } });
});

test('binary event column: the second level is the event by default; start column and time offset', () => {
  const schema = parseTabularSchema({
    columns: [
      { name: 'sex', type: 'binary', levels: ['F', 'M'] },
      { name: 'diag', type: 'integer' },
      { name: 'death', type: 'integer' },
      { name: 'status', type: 'binary', levels: ['A', 'D'] },
    ],
    survival: { time: 'death', start: 'diag', event: 'status', timeOffset: 0.5 },
  });
  const t = parseCsv('sex,diag,death,status\nM,100,150,D\nF,200,200,D\nM,10,40,A\n', 'aids.csv', schema);
  assert.deepEqual(Array.from(t.survival!), [50.5, 0.5, -30.5]);
  assert.deepEqual(t.features.map((f) => f.spec.name), ['sex']);
});

test('time <= 0, a missing time or event, an unknown event level: DATA_INVALID at file:line:column', () => {
  const schema = parseTabularSchema(base);
  const read = (rows: string) => () => parseCsv(`hospital,age,days,status\nA,61,625,2\n${rows}`, 'pbc.csv', schema);
  assert.throws(read('B,50,0,1\n'), isError(ErrorCodes.DATA_INVALID, /survival time "days" is 0; it must be > 0/, /^pbc\.csv:3:3$/));
  assert.throws(read('B,50,-4,0\n'), isError(ErrorCodes.DATA_INVALID, /is -4/, /^pbc\.csv:3:3$/));
  assert.throws(read('B,50,,1\n'), isError(ErrorCodes.DATA_INVALID, /column "days": missing value/, /^pbc\.csv:3:3$/));
  assert.throws(read('B,50,30,NA\n'), isError(ErrorCodes.DATA_INVALID, /column "status": missing value/, /^pbc\.csv:3:4$/));
  assert.throws(read('B,50,30,3\n'), isError(ErrorCodes.DATA_INVALID, /"3" is not a declared level/, /^pbc\.csv:3:4$/));
  assert.throws(read(',50,30,1\n'), isError(ErrorCodes.DATA_INVALID, /site column "hospital" is missing/, /^pbc\.csv:3:1$/));
});

test('siteMissing: drop-row drops rows without a site and reports them', () => {
  const schema = parseTabularSchema({ ...base, siteMissing: 'drop-row' });
  const t = parseCsv('hospital,age,days,status\nA,61,625,2\n,42,2118,0\nB,48,83,1\n', 'pbc.csv', schema);
  assert.equal(t.n, 2);
  assert.deepEqual(Array.from(t.survival!), [625, 83]);
  assert.deepEqual(t.missing.droppedLines, [3]);
  assert.deepEqual(t.missing.byColumn, [{ column: 'hospital', policy: 'drop-row', missing: 1, droppedRows: 1 }]);
});

test('invalid survival schemas name the field', () => {
  const bad = (change: Record<string, unknown>, pattern: RegExp) =>
    assert.throws(() => parseTabularSchema({ ...base, ...change }), isError(ErrorCodes.CONFIG_INVALID, pattern));
  bad({ survival: { time: 'days', event: 'status' } }, /survival\.eventValue: a categorical event column "status" needs eventValue/);
  bad({ survival: { time: 'days', event: 'status', eventValue: '9' } }, /eventValue "9" is not a level of "status"/);
  bad({ survival: { time: 'status', event: 'days' } }, /survival\.time: the survival time column "status" must be numeric or integer/);
  bad({ survival: { time: 'when', event: 'status', eventValue: '1' } }, /time column "when" is not a declared column/);
  bad({ label: 'status' }, /declare either label or survival, not both/);
  bad({ survival: undefined }, /declare a label column or a survival label/);
  bad({ survival: { time: 'days', event: 'status', eventValue: '1', timeOffset: -1 } }, /timeOffset/);
  bad(
    { columns: [{ name: 'age', type: 'integer' }, { name: 'days', type: 'integer', missing: 'drop-row' }, { name: 'status', type: 'binary' }], survival: { time: 'days', event: 'status' } },
    /the survival time column "days" takes missing: error, not drop-row/,
  );
  bad({ columns: [{ name: 'days', type: 'integer' }, { name: 'status', type: 'binary' }], survival: { time: 'days', event: 'status' } }, /at least one feature/);
});

async function bundled(name: string): Promise<Table> {
  const dir = bundledDatasetDir(`clinical/${name}`);
  return readCsvFile(join(dir, `${name}.csv`), join(dir, 'schema.yaml'));
}

test('the bundled clinical survival data sets load with their real sites', async () => {
  const count = (t: Table) => {
    const by: Record<string, number> = {};
    for (const s of t.sites!) by[s] = (by[s] ?? 0) + 1;
    return by;
  };
  const events = (t: Table) => t.survival!.filter((v) => v > 0).length;
  const pbc3 = await bundled('pbc3');
  assert.equal(pbc3.n, 349);
  assert.equal(events(pbc3), 90); // 61 deaths + 29 transplantations
  assert.deepEqual(count(pbc3), { '1': 23, '2': 150, '3': 46, '4': 79, '5': 23, '6': 28 });
  assert.ok(pbc3.survival!.every((v) => Math.abs(v) >= 1));
  const lung = await bundled('lung');
  assert.equal(lung.n, 227);
  assert.equal(events(lung), 164);
  assert.equal(Object.keys(count(lung)).length, 18);
  assert.deepEqual(lung.missing.droppedLines, [lung.missing.droppedLines[0]]);
  const aids2 = await bundled('aids2');
  assert.equal(aids2.n, 2843);
  assert.equal(events(aids2), 1761);
  assert.deepEqual(count(aids2), { NSW: 1780, VIC: 588, QLD: 226, Other: 249 });
  assert.equal(aids2.survival!.filter((v) => Math.abs(v) === 0.5).length, 29, 'same-day deaths get time 0.5');
  for (const t of [pbc3, lung, aids2]) {
    const d = toDataset(t, { fill: localFillValues(t) });
    assert.ok(d.y.every((v) => Number.isFinite(v) && v !== 0) && d.x.every(Number.isFinite));
  }
});
