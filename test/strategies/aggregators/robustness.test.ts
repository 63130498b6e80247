import { coordinateMedian } from '../../../src/strategies/aggregators/coordinate-median.js';
import { krum } from '../../../src/strategies/aggregators/krum.js';
import { trimmedMean } from '../../../src/strategies/aggregators/trimmed-mean.js';
import { outlierConformance } from './conformance.js';

// f adversarial updates among 8 honest ones; each rule configured for f.
for (const f of [1, 2, 3]) {
  outlierConformance('median', coordinateMedian, f);
  outlierConformance(`trimmed-mean β = ${f}/${8 + f}`, trimmedMean({ beta: f / (8 + f) }), f);
}
outlierConformance('krum f = 2', krum({ f: 2, m: 1 }), 2);
outlierConformance('krum f = 3', krum({ f: 3, m: 1 }), 3);
outlierConformance('multi-krum f = 2 (m = n − f)', krum({ f: 2 }), 2);
outlierConformance('multi-krum f = 3, m = 4', krum({ f: 3, m: 4 }), 3);
