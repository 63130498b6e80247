import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng } from '../../../src/core/random.js';
import { dequantizeTensor, quantizeTensor } from '../../../src/privacy/filters/quantize-8bit.js';
import { createFilter } from '../../../src/privacy/filters/registry.js';
import type { FilterInput } from '../../../src/privacy/filters/types.js';
import { sentDelta, updateWithDelta } from './fixtures.js';

test('8-bit quantisation by hand: min −100, max 155 → scale 1, codes round to nearest', () => {
  const update = updateWithDelta({ w: [0, 0, 0, 0] }, { w: [-100, 0, 27.5, 155] });
  const q = quantizeTensor(Float64Array.from([-100, 0, 27.5, 155]), 'nearest');
  assert.deepEqual({ codes: Array.from(q.codes), min: q.min, scale: q.scale }, { codes: [0, 100, 128, 255], min: -100, scale: 1 });
  const { weights, record } = createFilter('quantize-8bit', {}).apply(update, {});
  assert.deepEqual(sentDelta(weights, update.global), { w: [-100, 0, 28, 155] });
  // 4 float32 = 16 bytes; 8-bit: 4 codes + min and scale (8 bytes) = 12
  assert.deepEqual(record, {
    filter: 'quantize-8bit',
    options: { rounding: 'nearest', seed: 0 },
    effect: { bytesBefore: 16, bytesAfter: 12, bytesSaved: 4, maxAbsError: 0.5 },
  });
});

function randomUpdate(seed: number): FilterInput {
  const rng = new Rng(seed);
  const make = (n: number, sd: number) => Array.from({ length: n }, () => rng.normal() * sd);
  const sizes: Record<string, [number, number]> = { '0.weight': [300, 0.1], '0.bias': [7, 0.01], '2.weight': [50, 1] };
  const g = Object.fromEntries(Object.entries(sizes).map(([n, [k]]) => [n, make(k, 1)]));
  const d = Object.fromEntries(Object.entries(sizes).map(([n, [k, sd]]) => [n, make(k, sd)]));
  return updateWithDelta(g, d);
}

for (const rounding of ['nearest', 'stochastic'] as const) {
  test(`quantisation error (${rounding}) is at most (max − min)/255 per value, and the weights sent are the exact dequantisation`, () => {
    const update = randomUpdate(rounding === 'nearest' ? 1 : 2);
    const { weights, record } = createFilter('quantize-8bit', { rounding, seed: 5 }).apply(update, { round: 3 });
    const sent = sentDelta(weights, update.global);
    const trueDelta = sentDelta(update.weights, update.global);
    let worst = 0;
    for (const [name, d] of Object.entries(trueDelta)) {
      const step = (Math.max(...d) - Math.min(...d)) / 255;
      const bound = rounding === 'nearest' ? step / 2 : step;
      d.forEach((v, i) => {
        const err = Math.abs(sent[name][i] - v);
        worst = Math.max(worst, err);
        assert.ok(err <= bound + 1e-6, `${name}[${i}]: error ${err} > ${bound}`);
      });
      // the coordinator sees fround(global + min + code·scale), with the codes the site's encoder makes
      const codes = quantizeTensor(Float64Array.from(d), rounding, Rng.derive(5, 'quantize-8bit', 3));
      if (rounding === 'nearest') {
        const expected = dequantizeTensor(codes).map((x, i) => Math.fround(update.global.get(name)!.data[i] + x));
        assert.deepEqual(Array.from(weights.get(name)!.data), Array.from(expected));
      }
    }
    assert.ok(Math.abs(record.effect.maxAbsError - worst) < 1e-6);
    assert.equal(record.effect.bytesBefore, 4 * 357);
    assert.equal(record.effect.bytesAfter, 357 + 3 * 8);
  });
}

test('stochastic rounding is unbiased and reproducible from the seed and round; nearest is biased on the same input', () => {
  const values = Float64Array.from({ length: 20_002 }, (_, i) => (i === 0 ? -100 : i === 1 ? 155 : 27.3));
  const meanOf = (q: Float64Array) => q.slice(2).reduce((a, b) => a + b, 0) / (q.length - 2);
  const stochastic = meanOf(dequantizeTensor(quantizeTensor(values, 'stochastic', new Rng(11))));
  assert.ok(Math.abs(stochastic - 27.3) < 0.02, `stochastic mean ${stochastic}`);
  assert.equal(meanOf(dequantizeTensor(quantizeTensor(values, 'nearest'))), 27);
  const update = randomUpdate(4);
  const run = (seed: number, round: number) => Array.from(createFilter('quantize-8bit', { rounding: 'stochastic', seed }).apply(update, { round }).weights.get('0.weight')!.data);
  assert.deepEqual(run(1, 2), run(1, 2));
  assert.notDeepEqual(run(1, 2), run(1, 3));
});

test('a constant delta quantises exactly (scale 0)', () => {
  const update = updateWithDelta({ w: [1, 2, 3] }, { w: [0.25, 0.25, 0.25] });
  const { weights, record } = createFilter('quantize-8bit', {}).apply(update, {});
  assert.deepEqual(sentDelta(weights, update.global), { w: [0.25, 0.25, 0.25] });
  assert.equal(record.effect.maxAbsError, 0);
});
