import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { defaultNeighbours, neighbourGraph } from '../../../src/privacy/secagg/index.js';
import { siteIds } from './helpers.js';

function checkRegular(graph: Map<string, string[]>, ids: string[], degree: number): void {
  assert.deepEqual([...graph.keys()].sort(), [...ids].sort());
  for (const [id, peers] of graph) {
    assert.equal(peers.length, degree, `${id} has degree ${peers.length}`);
    assert.equal(new Set(peers).size, degree, `${id} has a repeated neighbour`);
    assert.ok(!peers.includes(id), `${id} is its own neighbour`);
    for (const p of peers) assert.ok(graph.get(p)!.includes(id), `edge ${id}-${p} is not symmetric`);
  }
}

describe('neighbour graph', () => {
  it('is k-regular, symmetric and loop-free for many n and even k', () => {
    for (const n of [6, 10, 11, 25, 100, 257]) {
      for (const k of [2, 4, 6, 10]) {
        if (n <= k + 1) continue;
        checkRegular(neighbourGraph(siteIds(n), k, randomBytes(32)), siteIds(n), k);
      }
    }
  });

  it('is the complete graph when n <= k + 1', () => {
    for (const n of [3, 5, 9]) checkRegular(neighbourGraph(siteIds(n), 8, randomBytes(32)), siteIds(n), n - 1);
  });

  it('is a function of the seed and the id set (clients can recompute it), and differs between seeds', () => {
    const ids = siteIds(50);
    const seed = randomBytes(32);
    const a = neighbourGraph(ids, 6, seed);
    const b = neighbourGraph([...ids].reverse(), 6, Uint8Array.from(seed));
    assert.deepEqual([...a.entries()].sort(), [...b.entries()].sort());
    const c = neighbourGraph(ids, 6, randomBytes(32));
    assert.notDeepEqual([...a.entries()].sort(), [...c.entries()].sort());
  });

  it('places neighbours at random: over many seeds every pair is joined at about rate k/(n-1)', () => {
    const ids = siteIds(12);
    const k = 4;
    const trials = 600;
    const joined = new Map<string, number>();
    for (let t = 0; t < trials; t++) {
      for (const [id, peers] of neighbourGraph(ids, k, randomBytes(32))) for (const p of peers) if (id < p) joined.set(`${id}|${p}`, (joined.get(`${id}|${p}`) ?? 0) + 1);
    }
    // Expected rate 4/11; binomial sd over 600 trials is about 0.02, so 0.2..0.55 is > 7 sd wide.
    assert.equal(joined.size, (12 * 11) / 2);
    for (const [pair, count] of joined) assert.ok(count / trials > 0.2 && count / trials < 0.55, `${pair}: ${count / trials}`);
  });

  it('default degree is even and grows like 2 ceil(log2 n)', () => {
    assert.equal(defaultNeighbours(10), 8);
    assert.equal(defaultNeighbours(100), 14);
    assert.equal(defaultNeighbours(1000), 20);
    assert.equal(defaultNeighbours(3), 4);
  });
});
