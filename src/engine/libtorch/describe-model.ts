import { outputChannels, upsampleFactors, type LayerShapes, type ModelLayout } from '../../core/model-params.js';
import type { NativeLayerDescription, NativeModelDescription } from './addon-types.js';

/** `3` or `[3, 3]` as one size per spatial dimension. */
function perDim(v: unknown, nd: number): number[] {
  if (typeof v === 'number') return Array.from({ length: nd }, () => v);
  return Array.isArray(v) ? v.map(Number) : [];
}

/**
 * The addon's model description: every layer with its per-example shapes (from modelLayout, so
 * the native dry run can check each layer), kernel and stride per spatial dimension, and the
 * positions of its tensors in the parameter list (PyTorch names and layouts; lstm / gru: weight_ih_l0
 * and bias_ih_l0 as weight and bias, weight_hh_l0 and bias_hh_l0 as weightHh and biasHh); a
 * concatSkip block's inner layers as its children, an upsample layer's factor per spatial axis.
 */
export function describeModel(layout: ModelLayout): NativeModelDescription {
  // By layer path: a layer inside a concatSkip block ("3.layers.1") shares its block's layerIndex.
  const paramIndex = (path: string, role: string) => layout.params.findIndex((p) => p.layerPath === path && p.role === role);
  const describe = (s: LayerShapes): NativeLayerDescription => {
    const l = s.layer as Record<string, unknown> & { type: string };
    const nd = Math.max(s.inputShape.length - 1, 0);
    const isConv = /^conv\dd$/.test(l.type);
    const isPool = /^(max|avg)Pool\dd$/.test(l.type);
    const isRecurrent = l.type === 'lstm' || l.type === 'gru';
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
      weight: paramIndex(s.path, isRecurrent ? 'weight_ih_l0' : 'weight'),
      bias: paramIndex(s.path, isRecurrent ? 'bias_ih_l0' : 'bias'),
      runningMean: paramIndex(s.path, 'running_mean'),
      runningVar: paramIndex(s.path, 'running_var'),
      ...(isRecurrent ? { weightHh: paramIndex(s.path, 'weight_hh_l0'), biasHh: paramIndex(s.path, 'bias_hh_l0') } : {}),
      path: s.path,
      ...(l.type === 'upsample' ? { scale: upsampleFactors(l.scaleFactor as number | number[], nd) ?? [] } : {}),
      ...(s.children ? { children: s.children.map(describe) } : {}),
    };
  };
  const layers = layout.layers.map(describe);
  return {
    loss: layout.spec.loss,
    inputShape: layout.spec.inputShape,
    // Classes per voxel for a spatial output (voxel_softmax_cross_entropy), else the flat output's size.
    outputs: layout.outputShape.length > 1 ? outputChannels(layout) : layout.outputShape[0],
    layers,
    params: layout.params.map((p) => ({ name: p.name, shape: p.shape, trainable: p.trainable })),
  };
}
