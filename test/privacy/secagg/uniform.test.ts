import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SecAggClient, SecAggServer, makeSecAggConfig, quantise } from '../../../src/privacy/secagg/index.js';
import { siteIds } from './helpers.js';

const DIM = 65536;

/** Chi-square statistic of byte values against the uniform distribution over 0..255. */
function chiSquareBytes(bytes: Uint8Array): number {
  const counts = new Float64Array(256);
  for (const b of bytes) counts[b]++;
  const expected = bytes.length / 256;
  let chi = 0;
  for (const c of counts) chi += ((c - expected) ** 2) / expected;
  return chi;
}

/** Chi-square of the top 8 bits of each little-endian uint32 word (catches structure in the high bits). */
function chiSquareHighBytes(bytes: Uint8Array): number {
  const high = new Uint8Array(bytes.length / 4);
  for (let i = 0; i < high.length; i++) high[i] = bytes[4 * i + 3];
  return chiSquareBytes(high);
}

// Chi-square with 255 degrees of freedom: mean 255, sd 22.6. The 1 - 1e-6 quantile is about 377
// (Wilson–Hilferty), so a bound of 380 fails a truly uniform vector with probability < 1e-6.
const CHI2_255_LIMIT = 380;

async function oneMaskedVector(constant: number): Promise<Uint8Array> {
  const config = makeSecAggConfig({ round: 1, dimension: DIM, maxClients: 5, clipRange: 1 });
  const clients = siteIds(5).map((id) => new SecAggClient(id, config));
  const server = new SecAggServer(config);
  for (const c of clients) server.receiveAdvertiseKeys(c.advertiseKeys());
  for (const m of server.neighbourKeys()) server.receiveShareKeys(await clients.find((c) => c.id === m.clientId)!.shareKeys(m));
  const forwarded = server.forwardShares()[0];
  return clients[0].maskedInput(forwarded, new Float32Array(DIM).fill(constant)).masked;
}

describe('a single masked vector looks uniform', () => {
  it('the masked vector of a constant input passes chi-square on bytes and on high bytes', async () => {
    const masked = await oneMaskedVector(0.25);
    assert.equal(masked.length, 4 * DIM);
    const chiAll = chiSquareBytes(masked);
    const chiHigh = chiSquareHighBytes(masked);
    assert.ok(chiAll < CHI2_255_LIMIT, `byte chi-square ${chiAll}`);
    assert.ok(chiHigh < CHI2_255_LIMIT, `high-byte chi-square ${chiHigh}`);
    // Lower tail too: a suspiciously perfect fit (e.g. a counter) would be far below the mean.
    assert.ok(chiAll > 150 && chiHigh > 150, `chi-square too small: ${chiAll}, ${chiHigh}`);
  });

  it('the same test rejects the unmasked quantised vector (the test has power)', () => {
    const config = makeSecAggConfig({ round: 1, dimension: DIM, maxClients: 5, clipRange: 1 });
    const plain = quantise(new Float32Array(DIM).fill(0.25), config);
    const bytes = new Uint8Array(plain.buffer);
    assert.ok(chiSquareBytes(bytes) > 10 * CHI2_255_LIMIT);
  });
});
