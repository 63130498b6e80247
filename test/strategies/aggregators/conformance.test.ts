import { getAggregator, listAggregators } from '../../../src/strategies/aggregators/registry.js';
import { aggregatorConformance } from './conformance.js';

for (const name of listAggregators()) aggregatorConformance(name, getAggregator(name));
