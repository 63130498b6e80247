import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { beatModelSpec, classifyRecordFile } from '../../src/cli/commands/signals-classify.js';
import { concatDatasets } from '../../src/core/dataset.js';
import { ErrorCodes, MedfedError } from '../../src/core/errors.js';
import { encodeSafetensors } from '../../src/core/safetensors.js';
import { getEngine } from '../../src/engine/registry.js';
import { deviceProfile, recordDevice } from '../../src/signals/ecg/device.js';
import { deviceBeats } from '../../src/signals/ecg/ecg-site-data.js';
import { MITBIH } from '../connectors/edf/fixture-path.js';

const STUDY = join(import.meta.dirname, '../../../examples/wearables/ecg-pvc.yaml');
const dir = mkdtempSync(join(tmpdir(), 'medfed-classify-'));

/** The wearable study's CNN trained briefly on 8 simulated devices' beats, saved as safetensors. */
async function trainedWeights(): Promise<string> {
  const { spec } = beatModelSpec(STUDY, undefined);
  const data = concatDatasets(Array.from({ length: 8 }, (_, i) => deviceBeats({ dataSeed: 1, durationSeconds: 60 }, `device-${i + 1}`).dataset));
  const model = await (await getEngine('tfjs-wasm')).build(spec, { seed: 3 });
  await model.train(data, { epochs: 4, batchSize: 16, optimizer: { name: 'adam', lr: 0.003 }, seed: 3 });
  const file = join(dir, 'beats.safetensors');
  writeFileSync(file, encodeSafetensors(model.getWeights()));
  model.dispose();
  return file;
}

test('signals classify: a trained beat model labels an unseen simulated wearable record (R peaks detected, not given)', async () => {
  const weights = await trainedWeights();
  const rec = recordDevice(deviceProfile(777), 60, 4242);
  const csv = join(dir, `device_${rec.sampleRate}hz.csv`);
  writeFileSync(csv, `ecg\n${Array.from(rec.signal, (v) => v.toFixed(5)).join('\n')}\n`);
  const r = await classifyRecordFile(csv, { study: STUDY, weights });
  const truth = rec.beats.filter((b) => r.beats.some((p) => Math.abs(p.t - b.t) < 0.1));
  assert.ok(truth.length >= 0.95 * rec.beats.length - 2, `${truth.length} of ${rec.beats.length} true beats classified`);
  let correct = 0;
  for (const b of truth) {
    const p = r.beats.find((q) => Math.abs(q.t - b.t) < 0.1)!;
    if ((p.pvcProbability >= 0.5) === (b.type === 'V')) correct++;
  }
  assert.ok(correct / truth.length >= 0.9, `${correct}/${truth.length} beats labelled correctly`);
  const truePvc = rec.beats.filter((b) => b.type === 'V').length / rec.beats.length;
  assert.ok(Math.abs(r.pvcFraction - truePvc) <= 0.08, `PVC fraction ${r.pvcFraction} vs ${truePvc}`);

  // The real MIT-BIH record runs end to end (no annotations here, so no accuracy claim).
  const m = await classifyRecordFile(MITBIH, { study: STUDY, weights });
  assert.ok(m.detected >= 480 && m.detected <= 515, `${m.detected} beats`);
  assert.ok(m.beats.length >= m.detected - 2);
  assert.ok(m.beats.every((b) => b.pvcProbability >= 0 && b.pvcProbability <= 1));
});

test('signals classify: a study of another data kind and weights of another model are named errors', async () => {
  assert.throws(
    () => beatModelSpec(join(import.meta.dirname, '../../../examples/heart/study.yaml'), undefined),
    (e: unknown) => e instanceof MedfedError && e.code === ErrorCodes.CONFIG_INVALID && /not ECG beats/.test(e.message),
  );
  assert.throws(() => beatModelSpec(STUDY, 'nope'), (e: unknown) => e instanceof MedfedError && e.code === ErrorCodes.UNKNOWN_NAME);
  const wrong = join(dir, 'wrong.safetensors');
  writeFileSync(wrong, encodeSafetensors(new Map([['0.weight', { shape: [2, 2], data: new Float32Array(4) }]])));
  await assert.rejects(
    () => classifyRecordFile(MITBIH, { study: STUDY, weights: wrong }),
    (e: unknown) => e instanceof MedfedError && e.code === ErrorCodes.SHAPE_MISMATCH && /wrong\.safetensors/.test(e.message),
  );
});
