import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseModelSpec } from '../../../src/core/model-params.js';
import type { ModelSpecInput } from '../../../src/core/model-spec.js';
import { getEngine } from '../../../src/engine/registry.js';
import { randomData, weightsEqual } from '../engine-helpers.js';
import { nativeAddon, skipNative } from './native-available.js';

// Activations of 16 x 16 x 30 x 30 floats (230 KB): above the cache's 64 KB floor.
const conv: ModelSpecInput = {
  inputShape: [32, 32, 1],
  layers: [
    { type: 'conv2d', filters: 16, kernelSize: 3, activation: 'relu' },
    { type: 'maxPool2d', poolSize: 2 },
    { type: 'flatten' },
    { type: 'dense', units: 2 },
  ],
  loss: 'softmax_cross_entropy',
};

async function trainOnce(epochs: number) {
  const model = await (await getEngine('libtorch')).build(parseModelSpec(conv), { seed: 3 });
  const data = randomData([32, 32, 1], 64, 2, 'softmax_cross_entropy', 5);
  await model.train(data, { epochs, batchSize: 16, optimizer: { name: 'adam', lr: 1e-3 }, seed: 9 });
  const w = model.getWeights();
  model.dispose();
  return w;
}

/**
 * The caching CPU allocator (native/src/cpu_cache.cc) serves every step after the first from blocks
 * the earlier steps freed, so training stops allocating (and faulting in) fresh memory; and reused
 * blocks change no result.
 */
test('libtorch: the CPU cache reuses freed blocks across steps and changes no weights', { skip: skipNative }, async () => {
  const addon = nativeAddon();
  const limit = addon.cpuCache().limitBytes;
  assert.ok(limit > 0, 'caching is on by default');
  try {
    await trainOnce(1);
    const warm = addon.cpuCache();
    const cached = await trainOnce(3);
    const after = addon.cpuCache();
    // 12 steps: hundreds of cached-size blocks taken, none (or nearly none) newly allocated.
    assert.ok(after.hits - warm.hits >= 12 * 4, `hits ${after.hits - warm.hits}`);
    assert.ok(after.misses - warm.misses <= 2, `fresh blocks after warm-up: ${after.misses - warm.misses}`);
    assert.ok(after.cachedBytes > 0 && after.cachedBytes <= limit);

    // Off: everything goes back, every step allocates afresh, and training gives the same weights.
    const off = addon.cpuCache(0);
    assert.equal(off.cachedBytes, 0);
    const plain = await trainOnce(3);
    const offAfter = addon.cpuCache();
    assert.equal(offAfter.hits, off.hits);
    assert.ok(offAfter.misses - off.misses >= 12 * 4, `misses ${offAfter.misses - off.misses}`);
    assert.ok(weightsEqual(cached, plain), 'the same seed gives the same weights with and without the cache');
  } finally {
    addon.cpuCache(limit);
  }
});
