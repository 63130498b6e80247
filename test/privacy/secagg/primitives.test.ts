import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ErrorCodes, MedfedError } from '../../../src/core/errors.js';
import { dequantiseSum, makeSecAggConfig, prgWords, quantise, quantisationScale } from '../../../src/privacy/secagg/index.js';

describe('SecAgg+ primitives', () => {
  it('the PRG is the RFC 8439 ChaCha20 keystream (appendix A.1 test vector #1: zero key, zero nonce, counter 0)', () => {
    const words = prgWords(new Uint8Array(32), 4);
    // Keystream bytes 76 b8 e0 ad a0 f1 3d 90 40 5d 6a e5 53 86 bd 28, read little-endian.
    assert.deepEqual([...words], [0xade0b876, 0x903df1a0, 0xe56a5d40, 0x28bd8653]);
  });

  it('the PRG takes only 256-bit keys', () => {
    assert.throws(() => prgWords(new Uint8Array(4), 1), RangeError);
  });

  it('nearest rounding matches hand-computed values (16-bit modulus, 3 clients, range 1)', () => {
    const c = makeSecAggConfig({ round: 0, dimension: 4, maxClients: 3, clipRange: 1, modulusBits: 16, rounding: 'nearest' });
    // scale = (2^15 - 1 - 3) / 3 = 10921.333…
    assert.equal(quantisationScale(c), 32764 / 3);
    assert.deepEqual([...quantise([0.5, -1, 2, -0.00001], c)], [5461, 65536 - 10921, 10921, 0]);
    const sum = new Uint32Array([(5461 + 10921) % 65536, 65536 - 10921]);
    const back = dequantiseSum(sum, c);
    assert.ok(Math.abs(back[0] - 1.5) < 1 / c.clipRange / quantisationScale(c));
    assert.ok(Math.abs(back[1] + 1) < 1 / quantisationScale(c));
  });

  it('stochastic rounding is unbiased: the mean of many roundings of v is v', () => {
    const c = makeSecAggConfig({ round: 0, dimension: 1, maxClients: 3, clipRange: 1, modulusBits: 16 });
    const scale = quantisationScale(c);
    const x = 100.25 / scale;
    const q = quantise(new Float64Array(40000).fill(x), c);
    let mean = 0;
    for (const v of q) {
      assert.ok(v === 100 || v === 101);
      mean += v / q.length;
    }
    // sd of the mean = sqrt(0.25 * 0.75 / 40000) ~ 0.0022; allow 0.015.
    assert.ok(Math.abs(mean - 100.25) < 0.015, `mean ${mean}`);
  });

  it('rejects non-finite input and configs whose modulus cannot hold the sum', () => {
    const c = makeSecAggConfig({ round: 0, dimension: 2, maxClients: 3, clipRange: 1 });
    assert.throws(() => quantise([0, Number.NaN], c), (e: unknown) => e instanceof MedfedError && e.code === ErrorCodes.NUMERIC_DIVERGENCE);
    assert.throws(
      () => makeSecAggConfig({ round: 0, dimension: 2, maxClients: 1000, clipRange: 1000, modulusBits: 8 }),
      (e: unknown) => e instanceof MedfedError && e.code === ErrorCodes.CONFIG_INVALID && /too small/.test(e.message),
    );
    assert.throws(
      () => makeSecAggConfig({ round: 0, dimension: 2, maxClients: 10, clipRange: 1, neighbours: 5 }),
      (e: unknown) => e instanceof MedfedError && e.code === ErrorCodes.CONFIG_INVALID && /even/.test(e.message),
    );
  });
});
