import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ErrorCodes, MedfedError } from '../../../src/core/errors.js';
import { modelLayout, parseModelSpec } from '../../../src/core/model-params.js';
import type { ModelSpecInput } from '../../../src/core/model-spec.js';
import { describeModel } from '../../../src/engine/libtorch/describe-model.js';
import { native } from '../../../src/engine/libtorch/native-errors.js';
import { getEngine } from '../../../src/engine/registry.js';
import { randomData } from '../engine-helpers.js';
import { nativeAddon, skipNative } from './native-available.js';

const cnn: ModelSpecInput = {
  inputShape: [8, 8, 1],
  layers: [{ type: 'conv2d', filters: 2, kernelSize: 3 }, { type: 'flatten' }, { type: 'dense', units: 2 }],
  loss: 'softmax_cross_entropy',
};

function nativeError(f: () => unknown): MedfedError {
  try {
    native(f);
  } catch (e) {
    assert.ok(e instanceof MedfedError, `not a MedfedError: ${String(e)}`);
    return e;
  }
  assert.fail('expected an error');
}

test('native: an unknown layer type is refused naming the layer', { skip: skipNative }, () => {
  const d = describeModel(modelLayout(cnn));
  const layers = d.layers.map((l, i) => (i === 1 ? { ...l, type: 'transformer' } : l));
  const e = nativeError(() => new (nativeAddon().NativeModel)({ ...d, layers }));
  assert.equal(e.code, ErrorCodes.UNKNOWN_NAME);
  assert.equal(e.where, 'layers[1] (transformer)');
  assert.match(e.message, /layer 1 \(transformer\)/);
});

test('native: a shape mismatch is refused naming the layer, and a libtorch exception does not kill the process', { skip: skipNative }, () => {
  const d = describeModel(modelLayout(cnn));
  // The spec claims a 7x7 conv output where a 3x3 kernel gives 6x6: caught by the dry run.
  const wrongShape = d.layers.map((l, i) => (i === 0 ? { ...l, outShape: [7, 7, 2] } : l));
  const e1 = nativeError(() => new (nativeAddon().NativeModel)({ ...d, layers: wrongShape }));
  assert.equal(e1.code, ErrorCodes.SHAPE_MISMATCH);
  assert.equal(e1.where, 'layers[0] (conv2d)');
  // A conv weight of the wrong rank makes libtorch itself throw (c10::Error).
  const params = d.params.map((p, i) => (i === 0 ? { ...p, shape: [2, 9] } : p));
  const e2 = nativeError(() => new (nativeAddon().NativeModel)({ ...d, params }));
  assert.equal(e2.code, ErrorCodes.ENGINE_FAILURE);
  assert.match(e2.message, /layer 0 \(conv2d\)/);
  // Still alive and working.
  assert.ok(new (nativeAddon().NativeModel)(d));
});

test('libtorch model: bad inputs and bad weights are typed errors', { skip: skipNative }, async () => {
  const model = await (await getEngine('libtorch')).build(parseModelSpec(cnn), { seed: 1 });
  const data = randomData([8, 8, 1], 4, 2, 'softmax_cross_entropy');
  await assert.rejects(model.gradients(data.x, new Float32Array([0, 1, 2, 0]), 4), (e: MedfedError) => e.code === ErrorCodes.DATA_INVALID);
  await assert.rejects(model.predict(data.x.subarray(1), 4), (e: MedfedError) => e.code === ErrorCodes.SHAPE_MISMATCH);
  assert.throws(() => model.setWeights(new Map([['0.weight', { shape: [2, 1, 3], data: new Float32Array(6) }]])), (e: MedfedError) => e.code === ErrorCodes.SHAPE_MISMATCH);
  await assert.rejects(
    model.train(data, { epochs: 1, batchSize: 2, seed: 1, optimizer: { name: 'sgd', lr: 1e30 } }).then(() => model.train(data, { epochs: 3, batchSize: 2, seed: 1, optimizer: { name: 'sgd', lr: 1e30 } })),
    (e: MedfedError) => e.code === ErrorCodes.NUMERIC_DIVERGENCE,
  );
  const running = model.train(data, { epochs: 1, batchSize: 2, seed: 1, optimizer: { name: 'sgd', lr: 0.01 } }).catch(() => undefined);
  assert.throws(() => model.getWeights(), (e: MedfedError) => e.code === ErrorCodes.ENGINE_FAILURE && /busy/.test(e.message));
  await running;
  model.dispose();
  await assert.rejects(async () => model.predict(data.x, 4), (e: MedfedError) => /disposed/.test(e.message));
});

test('getEngine("libtorch") without the addon names why and how to get it', () => {
  const registry = fileURLToPath(new URL('../../../src/engine/registry.js', import.meta.url));
  const script = `import('${registry}').then(async (r) => { try { await r.getEngine('libtorch'); console.log('loaded'); } catch (e) { console.log(JSON.stringify({ code: e.code, message: e.message, hint: e.hint })); } const d = await r.defaultEngine((m) => console.log(m)); await r.defaultEngine((m) => console.log(m)); console.log('default', d.name); })`;
  // No --input-type=module: the threaded tfjs-wasm backend's workers inherit execArgv and refuse it.
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', env: { ...process.env, MEDFED_LIBTORCH_ADDON: '/nonexistent/medfed_torch.node' } });
  const lines = r.stdout.trim().split('\n');
  const err = JSON.parse(lines[0]) as { code: string; message: string; hint: string };
  assert.equal(err.code, ErrorCodes.ENGINE_FAILURE);
  assert.match(err.message, /not built/);
  assert.match(err.hint, /apt-get install libtorch-dev/);
  assert.match(err.hint, /npm run build:native/);
  // The fallback says once which engine it uses.
  assert.equal(lines.filter((l) => l.startsWith('medfed: training engine tfjs-wasm')).length, 1);
  assert.equal(lines[lines.length - 1], 'default tfjs-wasm');
});
