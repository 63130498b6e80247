import assert from 'node:assert/strict';
import { it } from 'node:test';
import { measureSecAgg } from '../../../src/privacy/secagg/index.js';

// Reports timings (no timed assertion); checks the measured round is also correct.
it('measures 10 clients x 100k parameters with 3 dropouts at the masked-input stage', async (t) => {
  const m = await measureSecAgg(10, 100_000, 3);
  t.diagnostic(
    `secagg 10 x 100k: client mean ${m.clientMsMean.toFixed(1)} ms (max ${m.clientMsMax.toFixed(1)}), server ${m.serverMs.toFixed(1)} ms with 3 dropouts, upload / plain float32 = ${m.uploadRatio.toFixed(4)}`,
  );
  assert.equal(m.result.survivors.length, 7);
  assert.equal(m.result.sum.length, 100_000);
  // Survivors' inputs are in [-1, 1]; a failed unmasking would leave values of order 2^31 / scale = 10.
  for (const v of m.result.sum) assert.ok(Math.abs(v) <= 7);
  // 4 bytes per parameter plus a few kB of keys and shares.
  assert.ok(m.uploadRatio > 1 && m.uploadRatio < 1.05);
});
