export { SecAggClient } from './client.js';
export { SecAggServer, type SecAggResult } from './server.js';
export { makeSecAggConfig, defaultNeighbours, quantisationScale, thresholdFor, SECAGG_LIMITS, type SecAggConfig, type SecAggConfigInput, type RoundingMode } from './config.js';
export { neighbourGraph } from './graph.js';
export { quantise, dequantiseSum, quantisationErrorBound } from './quantise.js';
export { prgWords } from './prg.js';
export * from './messages.js';
export { runSecAggRound, type DropoutPlan } from './simulate.js';
export { measureSecAgg, type SecAggMeasurement } from './measure.js';
