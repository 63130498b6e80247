import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { bundledDatasetDir, readCsvFile } from '../../src/connectors/csv/read-file.js';
import { ErrorCodes, MedfedError } from '../../src/core/errors.js';
import { partitionBySite } from '../../src/data/partition.js';
import { combineKaplanMeier, kaplanMeier, siteRiskSetCounts, type SiteKaplanMeierCounts } from '../../src/eval/kaplan-meier.js';

async function pbc3(): Promise<{ y: Float64Array; sites: { siteId: string; y: Float64Array }[] }> {
  const dir = bundledDatasetDir('clinical/pbc3');
  const t = await readCsvFile(join(dir, 'pbc3.csv'), join(dir, 'schema.yaml'));
  const y = t.survival!;
  return { y, sites: partitionBySite(t.sites!).map((p) => ({ siteId: p.siteId, y: Float64Array.from(p.indices, (i) => y[i]) })) };
}

/** Pooled counts on a grid by brute force: events/censored in (g[j-1], g[j]], at risk = |y| > g[j-1]. */
function pooledOnGrid(y: ArrayLike<number>, grid: number[]) {
  const last = grid[grid.length - 1];
  return grid.map((g, j) => {
    const lo = j === 0 ? 0 : grid[j - 1];
    let atRisk = 0;
    let events = 0;
    let censored = 0;
    for (let i = 0; i < y.length; i++) {
      const t = Math.abs(y[i]);
      if (t > lo) atRisk++;
      const inBin = t > lo && (t <= g || j === grid.length - 1);
      if (!inBin) continue;
      if (y[i] > 0 && t <= last) events++;
      else censored++;
    }
    return { atRisk, events, censored };
  });
}

test('Kaplan-Meier: a hand-computed curve (ties, censoring at an event time)', () => {
  // times 2, 3+, 3, 3, 5+, 7: at 2: 6 at risk, 1 event; at 3: 5 at risk, 2 events, 1 censored; at 5: 2, 0, 1; at 7: 1, 1.
  const c = kaplanMeier([2, -3, 3, 3, -5, 7]);
  assert.deepEqual(c.times, [2, 3, 5, 7]);
  assert.deepEqual(c.atRisk, [6, 5, 2, 1]);
  assert.deepEqual(c.events, [1, 2, 0, 1]);
  assert.deepEqual(c.censored, [0, 1, 1, 0]);
  const s = [5 / 6, (5 / 6) * (3 / 5), (5 / 6) * (3 / 5), 0];
  c.survival.forEach((v, i) => assert.ok(Math.abs(v - s[i]) < 1e-15, `S(${c.times[i]})`));
});

test('federated Kaplan-Meier over the 6 PBC3 hospitals equals the pooled curve exactly (grid = every distinct time, k = 1)', async () => {
  const { y, sites } = await pbc3();
  const pooled = kaplanMeier(y);
  const grid = pooled.times;
  const combined = combineKaplanMeier(sites.map((s) => ({ siteId: s.siteId, counts: siteRiskSetCounts(s.y, grid, 1, { siteId: s.siteId }) })));
  assert.equal(combined.sites.length, 6);
  assert.deepEqual(combined.curve.times, pooled.times);
  assert.deepEqual(combined.curve.atRisk, pooled.atRisk);
  assert.deepEqual(combined.curve.events, pooled.events);
  assert.deepEqual(combined.curve.censored, pooled.censored);
  // Same factors in the same order: the same doubles.
  assert.deepEqual(combined.curve.survival, pooled.survival);
  assert.equal(pooled.events.reduce((a, b) => a + b, 0), 90);
});

function checkAgainstPooled(combined: ReturnType<typeof combineKaplanMeier>, sites: { siteId: string; y: Float64Array }[]): void {
  const included = new Set(combined.sites);
  const yIncluded = sites.filter((s) => included.has(s.siteId)).flatMap((s) => Array.from(s.y));
  const pooled = pooledOnGrid(yIncluded, combined.curve.times);
  assert.deepEqual(combined.curve.atRisk, pooled.map((p) => p.atRisk));
  assert.deepEqual(combined.curve.events, pooled.map((p) => p.events));
  assert.deepEqual(combined.curve.censored, pooled.map((p) => p.censored));
  let s = 1;
  pooled.forEach((p, j) => {
    s *= 1 - p.events / p.atRisk;
    assert.ok(Math.abs(combined.curve.survival[j] - s) < 1e-15);
  });
}

const grid90 = Array.from({ length: 24 }, (_, i) => 90 * (i + 1)); // to 2160 days, beyond the last time (2146)

test('k = 5, small cells merged: every released cell is 0 or >= 5 and the curve equals the pooled one on the common grid', async () => {
  const { sites } = await pbc3();
  const k = 5;
  const parts = sites.map((s) => ({ siteId: s.siteId, counts: siteRiskSetCounts(s.y, grid90, k, { siteId: s.siteId }) }));
  for (const p of parts) {
    if (!p.counts.released) continue;
    for (const v of [...p.counts.events, ...p.counts.censored, ...p.counts.atRisk]) assert.ok(v === 0 || v >= k, `${p.siteId}: cell ${v}`);
    assert.ok(p.counts.grid.every((g) => grid90.includes(g)) && p.counts.grid.at(-1) === grid90.at(-1));
  }
  const combined = combineKaplanMeier(parts);
  checkAgainstPooled(combined, sites);
  // Hvidovre (4 events) and Lyon (3) are withheld; Copenhagen's 9 events fit one interval only,
  // so the common grid of the other four is a single point: the price of per-site cell suppression.
  assert.deepEqual(Object.keys(combined.withheld).sort(), ['1', '6']);
  assert.deepEqual(combined.curve.times, [2160]);
});

test('k = 5 per site, small cells allowed (as src/stats histograms): exact pooled curve on the full 90-day grid', async () => {
  const { sites } = await pbc3();
  const parts = sites.map((s) => ({ siteId: s.siteId, counts: siteRiskSetCounts(s.y, grid90, 5, { siteId: s.siteId, smallCells: 'allow' }) }));
  const combined = combineKaplanMeier(parts);
  assert.deepEqual(combined.curve.times, grid90);
  assert.deepEqual(Object.keys(combined.withheld).sort(), ['1', '6']);
  checkAgainstPooled(combined, sites);
});

test('a site that cannot reach k releases nothing and is listed as withheld; bad site replies are rejected', () => {
  const grid = [100, 200, 300];
  const small = siteRiskSetCounts([50, -120, 250], grid, 5, { siteId: 'tiny' });
  assert.equal(small.released, false);
  assert.match(small.released ? '' : small.reason, /MEDFED_ERR_PRIVACY_THRESHOLD at tiny\.kaplanMeier/);
  const big = siteRiskSetCounts(Array.from({ length: 20 }, (_, i) => (i % 2 ? 1 : -1) * (10 + 13 * i)), grid, 5, { siteId: 'big' });
  assert.equal(big.released, true);
  const combined = combineKaplanMeier([
    { siteId: 'tiny', counts: small },
    { siteId: 'big', counts: big },
  ]);
  assert.deepEqual(combined.sites, ['big']);
  assert.ok(combined.withheld.tiny);
  const code = (c: string) => (e: unknown) => e instanceof MedfedError && e.code === c;
  assert.throws(() => combineKaplanMeier([{ siteId: 'tiny', counts: small }]), code(ErrorCodes.PRIVACY_THRESHOLD));
  const forged: SiteKaplanMeierCounts = { released: true, grid: [100, 300], atRisk: [10, 4], events: [5, 5], censored: [1, 0] };
  assert.throws(() => combineKaplanMeier([{ siteId: 'x', counts: forged }]), (e: unknown) => code(ErrorCodes.DATA_INVALID)(e) && /site x/.test((e as Error).message));
  assert.throws(() => siteRiskSetCounts([1, 2], [3, 2], 1), code(ErrorCodes.CONFIG_INVALID));
  assert.throws(() => siteRiskSetCounts([1, 2], [3], 0), code(ErrorCodes.CONFIG_INVALID));
  assert.throws(() => siteRiskSetCounts([1, 0], [3], 1), code(ErrorCodes.DATA_INVALID));
});
