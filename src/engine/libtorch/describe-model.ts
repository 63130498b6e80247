import type { ModelLayout } from '../../core/model-params.js';
import type { NativeLayerDescription, NativeModelDescription } from './addon-types.js';

/** `3` or `[3, 3]` as one size per spatial dimension. */
function perDim(v: unknown, nd: number): number[] {
  if (typeof v === 'number') return Array.from({ length: nd }, () => v);
  return Array.isArray(v) ? v.map(Number) : [];
}

/**
 * The addon's model description: every layer with its per-example shapes (from modelLayout, so
 * the native dry run can check each layer), kernel and stride per spatial dimension, and the
 * positions of its tensors in the parameter list (PyTorch names and layouts).
 */
export function describeModel(layout: ModelLayout): NativeModelDescription {
  const paramIndex = (layer: number, role: string) => layout.params.findIndex((p) => p.layerIndex === layer && p.role === role);
  const layers = layout.layers.map((s): NativeLayerDescription => {
    const l = s.layer as Record<string, unknown> & { type: string };
    const nd = Math.max(s.inputShape.length - 1, 0);
    const isConv = /^conv\dd$/.test(l.type);
    const isPool = /^(max|avg)Pool\dd$/.test(l.type);
    return {
      type: l.type,
      activation: typeof l.activation === 'string' ? l.activation : undefined,
      useBias: typeof l.useBias === 'boolean' ? l.useBias : undefined,
      kernel: isConv ? perDim(l.kernelSize, nd) : isPool ? perDim(l.poolSize, nd) : [],
      stride: isConv ? perDim(l.stride ?? 1, nd) : isPool ? perDim(l.stride ?? l.poolSize, nd) : [],
      same: l.padding === 'same',
      rate: typeof l.rate === 'number' ? l.rate : undefined,
      momentum: typeof l.momentum === 'number' ? l.momentum : undefined,
      epsilon: typeof l.epsilon === 'number' ? l.epsilon : undefined,
      inShape: s.inputShape,
      outShape: s.outputShape,
      weight: paramIndex(s.index, 'weight'),
      bias: paramIndex(s.index, 'bias'),
      runningMean: paramIndex(s.index, 'running_mean'),
      runningVar: paramIndex(s.index, 'running_var'),
    };
  });
  return {
    loss: layout.spec.loss,
    inputShape: layout.spec.inputShape,
    outputs: layout.outputShape[0],
    layers,
    params: layout.params.map((p) => ({ name: p.name, shape: p.shape, trainable: p.trainable })),
  };
}
