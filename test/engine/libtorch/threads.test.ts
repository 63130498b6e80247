import assert from 'node:assert/strict';
import { test } from 'node:test';
import { modelLayout } from '../../../src/core/model-params.js';
import { describeModel } from '../../../src/engine/libtorch/describe-model.js';
import { randomData } from '../engine-helpers.js';
import { nativeAddon, skipNative } from './native-available.js';

/**
 * setNumThreads reaches the libuv pool threads that train: OpenMP's thread count is per thread, and
 * a pool thread that trained once under 1 thread used to keep 1 after setNumThreads(2), so the
 * benchmark's "2 threads" ran on one.
 */
test('libtorch: setNumThreads applies to training jobs on pool threads that already ran', { skip: skipNative }, async () => {
  const addon = nativeAddon();
  const spec = { inputShape: [4], layers: [{ type: 'dense' as const, units: 2 }], loss: 'softmax_cross_entropy' as const };
  const model = new addon.NativeModel(describeModel(modelLayout(spec)));
  const data = randomData([4], 8, 2, 'softmax_cross_entropy');
  const optimizer = { name: 'sgd', lr: 0.1, momentum: 0, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0 };
  const before = addon.info().threads;
  try {
    const seen: number[] = [];
    for (const threads of [1, 2, 1, 2]) {
      addon.setNumThreads(threads);
      model.beginTrain({ optimizer, seed: 1, batchSize: 4 });
      // Several jobs, so that more than one pool thread is likely to have run one.
      for (let epoch = 0; epoch < 4; epoch++) seen.push((await model.trainEpoch(data.x, data.y, data.n, epoch)).threads);
      model.endTrain();
    }
    assert.deepEqual(seen, [1, 1, 1, 1, 2, 2, 2, 2, 1, 1, 1, 1, 2, 2, 2, 2]);
  } finally {
    addon.setNumThreads(before);
    model.dispose();
  }
});
