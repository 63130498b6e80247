import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readHeartDataset } from '../../src/connectors/csv/read-file.js';
import { ErrorCodes, MedfedError } from '../../src/core/errors.js';
import {
  largestRemainder,
  partitionBySite,
  partitionDirichletLabel,
  partitionIid,
  partitionQuantitySkew,
  type SitePartition,
} from '../../src/data/partition.js';

/** Every index 0..n-1 in exactly one site, each site's indices increasing. */
function assertExactCover(parts: SitePartition[], n: number): void {
  const seen = new Uint8Array(n);
  for (const p of parts) {
    p.indices.forEach((i, k) => {
      assert.ok(k === 0 || i > p.indices[k - 1], 'indices increase');
      assert.equal(seen[i], 0, `index ${i} is in two sites`);
      seen[i] = 1;
    });
  }
  assert.ok(seen.every((s) => s === 1), 'every row is assigned');
}

/** Mean over sites of |positive share at the site - overall positive share|. */
function labelSkew(parts: SitePartition[], labels: Int32Array): number {
  const overall = labels.reduce((a, b) => a + b, 0) / labels.length;
  const dev = parts.map((p) => Math.abs(p.indices.reduce((a, i) => a + labels[i], 0) / p.indices.length - overall));
  return dev.reduce((a, b) => a + b, 0) / dev.length;
}

test('Dirichlet label partition: exact cover, same seed same partition, other seed another', async () => {
  const { label } = await readHeartDataset();
  const a = partitionDirichletLabel(label, { sites: 4, alpha: 0.5, seed: 7 });
  assertExactCover(a, label.length);
  assert.deepEqual(a, partitionDirichletLabel(label, { sites: 4, alpha: 0.5, seed: 7 }));
  assert.notDeepEqual(a, partitionDirichletLabel(label, { sites: 4, alpha: 0.5, seed: 8 }));
  assert.deepEqual(a.map((p) => p.siteId), ['site-1', 'site-2', 'site-3', 'site-4']);
});

test('Dirichlet alpha 0.1 skews labels far more than alpha 100, and every site keeps minPerSite rows', async () => {
  const { label } = await readHeartDataset();
  let skewLow = 0;
  let skewHigh = 0;
  for (let seed = 1; seed <= 10; seed++) {
    const low = partitionDirichletLabel(label, { sites: 4, alpha: 0.1, seed, minPerSite: 15 });
    const high = partitionDirichletLabel(label, { sites: 4, alpha: 100, seed, minPerSite: 15 });
    for (const parts of [low, high]) {
      assertExactCover(parts, label.length);
      assert.ok(parts.every((p) => p.indices.length >= 15));
    }
    skewLow += labelSkew(low, label) / 10;
    skewHigh += labelSkew(high, label) / 10;
  }
  assert.ok(skewLow > 0.15, `alpha 0.1 mean deviation of positive share ${skewLow}`);
  assert.ok(skewHigh < 0.05, `alpha 100 mean deviation of positive share ${skewHigh}`);
  assert.ok(skewLow > 5 * skewHigh);
});

test('minPerClass: every site holds at least that many rows of each class', async () => {
  const { label } = await readHeartDataset();
  for (let seed = 1; seed <= 5; seed++) {
    const parts = partitionDirichletLabel(label, { sites: 4, alpha: 0.5, seed, minPerClass: 3 });
    for (const p of parts) for (const c of [0, 1]) assert.ok(p.indices.filter((i) => label[i] === c).length >= 3);
  }
});

test('Dirichlet partition that cannot meet minPerSite is CONFIG_INVALID', () => {
  const labels = new Int32Array(40);
  assert.throws(
    () => partitionDirichletLabel(labels, { sites: 4, alpha: 0.5, seed: 1, minPerSite: 11 }),
    (e: unknown) => e instanceof MedfedError && e.code === ErrorCodes.CONFIG_INVALID,
  );
  assert.throws(
    () => partitionDirichletLabel(labels, { sites: 4, alpha: 0.01, seed: 1, minPerSite: 10, maxAttempts: 5 }),
    (e: unknown) => e instanceof MedfedError && /in 5 draws/.test(e.message),
  );
});

test('IID partition: sizes differ by at most one, deterministic', () => {
  const parts = partitionIid(270, { sites: 4, seed: 3 });
  assert.deepEqual(parts.map((p) => p.indices.length), [68, 68, 67, 67]);
  assertExactCover(parts, 270);
  assert.deepEqual(parts, partitionIid(270, { sites: 4, seed: 3 }));
});

test('quantity skew: power-law sizes by hand, Dirichlet sizes sum to n with the minimum kept', () => {
  // shares 1, 1/2, 1/3, 1/4 over 25/12 = .48 .24 .16 .12 of 96 extra rows = 46.08 23.04 15.36 11.52 → 46 23 15 12 (+1 each).
  const power = partitionQuantitySkew(100, { sites: 4, seed: 1, sizes: { kind: 'power-law', exponent: 1 } });
  assert.deepEqual(power.map((p) => p.indices.length), [47, 24, 16, 13]);
  assertExactCover(power, 100);
  const dir = partitionQuantitySkew(270, { sites: 5, seed: 2, sizes: { kind: 'dirichlet', alpha: 0.3 }, minPerSite: 20 });
  assertExactCover(dir, 270);
  assert.ok(dir.every((p) => p.indices.length >= 20));
  assert.deepEqual(dir, partitionQuantitySkew(270, { sites: 5, seed: 2, sizes: { kind: 'dirichlet', alpha: 0.3 }, minPerSite: 20 }));
  assert.deepEqual(largestRemainder([0.5, 0.5], 3), [2, 1]);
});

test('natural site column: one site per value, in natural order', () => {
  const parts = partitionBySite(['10', '2', '2', '1', '10']);
  assert.deepEqual(parts, [
    { siteId: '1', indices: [3] },
    { siteId: '2', indices: [1, 2] },
    { siteId: '10', indices: [0, 4] },
  ]);
});
