import type { ModelSpecInput } from '../../src/core/model-spec.js';

/** Small lstm / gru models: last step and whole-sequence outputs, and a stacked pair (gradient through the input). */
export const recurrentCases: { name: string; spec: ModelSpecInput }[] = [
  { name: 'lstm, last step', spec: { inputShape: [5, 3], layers: [{ type: 'lstm', units: 4 }, { type: 'dense', units: 2 }], loss: 'softmax_cross_entropy' } },
  {
    name: 'lstm, returnSequences',
    spec: { inputShape: [5, 3], layers: [{ type: 'lstm', units: 4, returnSequences: true }, { type: 'flatten' }, { type: 'dense', units: 2 }], loss: 'softmax_cross_entropy' },
  },
  { name: 'gru, last step', spec: { inputShape: [6, 2], layers: [{ type: 'gru', units: 5 }, { type: 'dense', units: 3 }], loss: 'softmax_cross_entropy' } },
  {
    name: 'gru, returnSequences',
    spec: { inputShape: [4, 3], layers: [{ type: 'gru', units: 3, returnSequences: true }, { type: 'flatten' }, { type: 'dense', units: 2 }], loss: 'softmax_cross_entropy' },
  },
  {
    name: 'lstm (returnSequences) into gru',
    spec: {
      inputShape: [5, 3],
      layers: [{ type: 'lstm', units: 4, returnSequences: true }, { type: 'gru', units: 3 }, { type: 'dense', units: 2 }],
      loss: 'softmax_cross_entropy',
    },
  },
];
