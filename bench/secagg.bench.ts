import { measureSecAgg } from '../src/privacy/secagg/measure.js';
import type { Benchmark } from './result.js';
import { median } from './timing.js';

/**
 * SecAgg+ for 10 sites x 1M parameters with 3 sites dropping before the masked input (issue 4):
 * mean client time, server time for the whole round, and upload bytes / plain float32 bytes.
 * Targets: client <= 0.3 s, server <= 1 s, upload <= 1.05x. Median over 3 rounds.
 */
export const secaggBench: Benchmark = {
  id: 'secagg',
  run: async () => {
    const runs = [];
    for (let i = 0; i < 3; i++) runs.push(await measureSecAgg(10, 1_000_000, 3));
    const note = '10 sites x 1M parameters, 3 dropped before the masked input; pure-JS ChaCha20 masks';
    return [
      { id: 'secagg.client_seconds', value: median(runs.map((r) => r.clientMsMean / 1000)), unit: 's', baseline: 0.3, ratio: median(runs.map((r) => r.clientMsMean / 1000)) / 0.3, repeats: 3, note: `${note}; baseline = target` },
      { id: 'secagg.server_seconds', value: median(runs.map((r) => r.serverMs / 1000)), unit: 's', baseline: 1, ratio: median(runs.map((r) => r.serverMs / 1000)), repeats: 3, note: 'baseline = target' },
      { id: 'secagg.upload_ratio', value: median(runs.map((r) => r.uploadRatio)), unit: 'x plain bytes', repeats: 3, note: 'target <= 1.05' },
    ];
  },
};
