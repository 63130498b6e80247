import { measureCkks } from '../src/privacy/he/measure.js';
import type { Benchmark } from './result.js';

/**
 * CKKS aggregation per 1M parameters, 10 sites that are also the 10 key holders (issue 4):
 * client time (encode + encrypt + serialise, median over the sites), contribution bytes / plain
 * float32 bytes, coordinator time to check and sum the 10 contributions, and the precision.
 * Targets: client <= 1 s, <= 4.5x.
 */
export const ckksBench: Benchmark = {
  id: 'ckks',
  run: async () => {
    const m = await measureCkks(10, 1_000_000);
    const note = 'N=4096, one 50-bit prime, c0/c1 30/40 bits on the wire; 10 sites x 1M';
    return [
      { id: 'ckks.client_seconds', value: m.clientMsMedian / 1000, unit: 's', baseline: 1, ratio: m.clientMsMedian / 1000, repeats: m.sites, note: `${note}; median over sites; baseline = target` },
      { id: 'ckks.ciphertext_ratio', value: m.ratio, unit: 'x plain bytes', baseline: 4.5, ratio: m.ratio / 4.5, repeats: 1, note: 'baseline = target (NVFlare CKKS ~15x)' },
      { id: 'ckks.server_sum_seconds', value: m.sumMs / 1000, unit: 's', repeats: 1, note: 'check + add 10 contributions' },
      { id: 'ckks.partial_decrypt_seconds', value: m.partialMsMean / 1000, unit: 's', repeats: m.sites, note: 'per key holder, mean' },
      { id: 'ckks.combine_seconds', value: m.combineMs / 1000, unit: 's', repeats: 1, note: 'coordinator: combine shares + decode' },
      { id: 'ckks.max_abs_error', value: m.maxError, unit: 'abs (clip 1)', repeats: 1, note: 'vs plain example-weighted mean' },
    ];
  },
};
