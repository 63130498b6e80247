import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ErrorCodes, MedfedError } from '../../../src/core/errors.js';
import { Rng } from '../../../src/core/random.js';
import { deltaNorm, normBound } from '../../../src/strategies/aggregators/norm-bound.js';
import { weightedMean } from '../../../src/strategies/aggregators/weighted-mean.js';
import { assertClose, plain, tensors } from '../fixtures.js';

const vec = (...v: number[]) => tensors({ w: [[v.length], v] });

test('norm bound clips each delta to the bound, then averages (hand-checked)', () => {
  // deltas [3, 4] (norm 5 → scaled to [0.6, 0.8]) and [0.3, 0.4] (norm 0.5, kept): mean [0.45, 0.6]
  const global = vec(1, 1);
  const out = normBound({ bound: 1 })([{ weights: vec(4, 5), weight: 1 }, { weights: vec(1.3, 1.4), weight: 1 }], { global });
  assertClose(out, vec(1.45, 1.6), 1e-6);
  // weights 1 and 3: (1·[0.6, 0.8] + 3·[0.3, 0.4]) / 4
  const weighted = normBound({ bound: 1 })([{ weights: vec(4, 5), weight: 1 }, { weights: vec(1.3, 1.4), weight: 3 }], { global });
  assertClose(weighted, vec(1 + 1.5 / 4, 1 + 2 / 4), 1e-6);
});

test('norm bound spans all tensors and leaves updates within the bound as the weighted mean', () => {
  const global = tensors({ a: [[1], [0]], b: [[1], [0]] });
  const y = tensors({ a: [[1], [6]], b: [[1], [8]] }); // delta norm 10
  assert.equal(deltaNorm(y, global), 10);
  assertClose(normBound({ bound: 5 })([{ weights: y, weight: 1 }], { global }), tensors({ a: [[1], [3]], b: [[1], [4]] }));
  const small = [{ weights: vec(0.1, 0.2), weight: 2 }, { weights: vec(-0.1, 0.3), weight: 1 }];
  assert.deepEqual(plain(normBound({ bound: 10 })(small, { global: vec(0, 0) })), plain(weightedMean(small)));
});

test('model replacement: a 100x-scaled update moves the result by exactly bound/n, FedAvg by its full share', () => {
  const rng = new Rng(3);
  const global = vec(...Array.from({ length: 20 }, () => rng.normal()));
  const around = (scale: number) => vec(...global.get('w')!.data.map((g) => g + rng.normal() * scale));
  const honest = Array.from({ length: 9 }, () => ({ weights: around(0.01), weight: 1 }));
  const target = around(1);
  const attacker = { weights: vec(...target.get('w')!.data.map((t, i) => global.get('w')!.data[i] + 100 * (t - global.get('w')!.data[i]))), weight: 1 };
  const bound = 0.5;
  const n = 10;
  const rule = normBound({ bound });
  const withAttack = rule([...honest, attacker], { global });
  // the honest part alone, as the rule computes it with the attacker's delta set to zero
  const honestOnly = rule([...honest, { weights: global, weight: 1 }], { global });
  const influence = deltaNorm(withAttack, honestOnly);
  assert.ok(Math.abs(influence - bound / n) < 1e-5, `influence ${influence}, expected ${bound / n}`);
  const fedavgInfluence = deltaNorm(weightedMean([...honest, attacker]), weightedMean([...honest, { weights: global, weight: 1 }]));
  assert.ok(fedavgInfluence > 100 * influence, `FedAvg influence ${fedavgInfluence}`);
});

test('norm bound needs the global model, of the updates\' layout', () => {
  const rule = normBound({ bound: 1 });
  const u = [{ weights: vec(1, 2), weight: 1 }];
  assert.throws(() => rule(u), (e: unknown) => e instanceof MedfedError && e.code === ErrorCodes.CONFIG_INVALID && e.where === 'context.global');
  assert.throws(() => rule(u, { global: vec(1, 2, 3) }), (e: unknown) => e instanceof MedfedError && e.code === ErrorCodes.SHAPE_MISMATCH && e.message.includes('"w"'));
  assert.throws(() => rule(u, { global: tensors({ w: [[2], [0, 0]], v: [[1], [0]] }) }), (e: unknown) => e instanceof MedfedError && e.code === ErrorCodes.SHAPE_MISMATCH && e.message.includes('"v"'));
  assert.throws(() => normBound({ bound: 0 }), (e: unknown) => e instanceof MedfedError && e.code === ErrorCodes.CONFIG_INVALID);
});
