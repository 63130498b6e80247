import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCsv } from '../../src/connectors/csv/parse.js';
import { parseTabularSchema } from '../../src/connectors/csv/schema.js';
import { ErrorCodes, MedfedError } from '../../src/core/errors.js';
import { selectRows } from '../../src/data/table.js';
import { combineSiteStatistics } from '../../src/stats/combine.js';
import { computeSiteStatistics } from '../../src/stats/site-summary.js';
import { normalizationFromGlobal } from '../../src/stats/standardize.js';

const schema = parseTabularSchema({
  label: 'y',
  columns: [
    { name: 'a', type: 'numeric' },
    { name: 'b', type: 'numeric', missing: 'impute-mean' },
    { name: 'y', type: 'binary' },
  ],
});
// 10 rows: b is present in rows 0-3 only.
const rows = Array.from({ length: 10 }, (_, i) => `${i + 1},${i < 4 ? 10 * i : 'NA'},${i % 2}`);
const table = parseCsv(`a,b,y\n${rows.join('\n')}`, 'k.csv', schema);

test('a feature with fewer than k non-missing records is withheld with a PRIVACY_THRESHOLD reason', () => {
  const s = computeSiteStatistics(table, { k: 5, siteId: 'site-9' });
  assert.deepEqual(Object.keys(s.features), ['a']);
  assert.equal(s.features.a.count, 10);
  assert.deepEqual(Object.keys(s.withheld), ['b']);
  assert.ok(s.withheld.b.startsWith(`${ErrorCodes.PRIVACY_THRESHOLD} at site-9.b:`), s.withheld.b);
  assert.match(s.withheld.b, /4 non-missing records, fewer than k = 5/);
  // k = 4 releases it; the site's own floor can raise k above the request's.
  assert.equal(computeSiteStatistics(table, { k: 4 }).features.b.count, 4);
  assert.deepEqual(Object.keys(computeSiteStatistics(table, { k: 4, siteMinK: 11 }).features), []);
});

test('a small site contributes nothing; the coordinator combines the others and lists what was withheld', () => {
  const big = selectRows(table, [0, 1, 2, 3, 4, 5, 6, 7]);
  const small = selectRows(table, [8, 9]);
  const g = combineSiteStatistics([
    { siteId: 'big', ...computeSiteStatistics(big, { k: 3 }) },
    { siteId: 'small', ...computeSiteStatistics(small, { k: 3 }) },
  ]);
  assert.equal(g.features.a.count, 8);
  assert.equal(g.features.a.mean, 4.5);
  assert.deepEqual(g.features.a.sites, ['big']);
  assert.deepEqual(Object.keys(g.withheld.small).sort(), ['a', 'b']);
  assert.equal(g.withheld.big, undefined);
  // A feature no site released cannot be normalised: the error says why.
  const none = combineSiteStatistics([{ siteId: 'small', ...computeSiteStatistics(small, { k: 3 }) }]);
  assert.throws(
    () => normalizationFromGlobal(none, schema),
    (e: unknown) => e instanceof MedfedError && e.code === ErrorCodes.PRIVACY_THRESHOLD && /small: /.test(e.hint ?? ''),
  );
});

test('a malformed site summary is SITE_FAILURE naming the site and feature', () => {
  assert.throws(
    () => combineSiteStatistics([{ siteId: 'x', records: 5, features: { a: { count: 'five' } }, withheld: {} }]),
    (e: unknown) => e instanceof MedfedError && e.code === ErrorCodes.SITE_FAILURE && e.where === 'x.features.a',
  );
});
