import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FitRequest } from '../../src/core/messages.js';
import { joinRequest, splitRequest } from '../../src/transport/grpc/wire-codec.js';
import { wireRequestSchema } from '../../src/transport/grpc/wire-schemas.js';

const fit = (training: FitRequest['training']): FitRequest => ({
  kind: 'fit',
  jobId: 'job-1',
  round: 3,
  strategy: 'fedavg',
  strategyOptions: {},
  weights: new Uint8Array([1, 2, 3]),
  directive: { config: {}, extra: {} },
  training,
  seed: 9,
});

test("a DP job's fit request crosses the wire with its DP-SGD settings unchanged", () => {
  const training = { epochs: 2, batchSize: 16, optimizer: { name: 'sgd' as const, lr: 0.05 }, dpSgd: { clipNorm: 1, delta: 1e-5, targetEpsilon: 3, plannedRounds: 30 } };
  const { body, blobs } = splitRequest(fit(training));
  const parsed = wireRequestSchema.parse(JSON.parse(JSON.stringify(body)));
  const back = joinRequest(parsed, blobs) as FitRequest;
  assert.deepEqual(back.training, training);
  assert.deepEqual([...back.weights], [1, 2, 3]);
});

test('the wire refuses a malformed DP-SGD block and unknown training keys', () => {
  const base = { epochs: 1, batchSize: 8, optimizer: { name: 'sgd' as const, lr: 0.1 } };
  const bad = [
    { ...base, dpSgd: { clipNorm: -1, delta: 1e-5, plannedRounds: 2 } },
    { ...base, dpSgd: { clipNorm: 1, delta: 2, plannedRounds: 2 } },
    { ...base, dpSgd: { clipNorm: 1, delta: 1e-5, plannedRounds: 2, extra: true } },
    { ...base, privacy: {} },
  ];
  for (const training of bad) {
    const { body } = splitRequest(fit(training as FitRequest['training']));
    assert.equal(wireRequestSchema.safeParse(JSON.parse(JSON.stringify(body))).success, false, JSON.stringify(training));
  }
});
