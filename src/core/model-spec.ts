import { z } from 'zod';

/**
 * The declarative model spec every training engine builds from (TF.js wasm now, libtorch later).
 * Shapes are per example, channels-last ("NHWC" without N): [features], [length, channels],
 * [height, width, channels]. Weight names and layouts at the federation boundary are PyTorch's
 * (see core/model-params.ts); each engine converts layouts internally.
 */
const positiveInt = z.number().int().positive();
const size1or2 = z.union([positiveInt, z.tuple([positiveInt, positiveInt])]);
export const activationNames = ['linear', 'relu', 'tanh', 'sigmoid'] as const;
const activation = z.enum(activationNames).default('linear');
const padding = z.enum(['valid', 'same']).default('valid');

export const denseLayer = z.strictObject({
  type: z.literal('dense'),
  units: positiveInt,
  activation,
  useBias: z.boolean().default(true),
});
export const conv1dLayer = z.strictObject({
  type: z.literal('conv1d'),
  filters: positiveInt,
  kernelSize: positiveInt,
  stride: positiveInt.default(1),
  padding,
  activation,
  useBias: z.boolean().default(true),
});
export const conv2dLayer = z.strictObject({
  type: z.literal('conv2d'),
  filters: positiveInt,
  kernelSize: size1or2,
  stride: size1or2.default(1),
  padding,
  activation,
  useBias: z.boolean().default(true),
});
export const pool1dLayer = z.strictObject({
  type: z.enum(['maxPool1d', 'avgPool1d']),
  poolSize: positiveInt,
  stride: positiveInt.optional(),
  padding,
});
export const pool2dLayer = z.strictObject({
  type: z.enum(['maxPool2d', 'avgPool2d']),
  poolSize: size1or2,
  stride: size1or2.optional(),
  padding,
});
export const flattenLayer = z.strictObject({ type: z.literal('flatten') });
export const dropoutLayer = z.strictObject({
  type: z.literal('dropout'),
  rate: z.number().min(0).lt(1),
});
export const batchNormLayer = z.strictObject({
  type: z.literal('batchNorm'),
  /** PyTorch convention: running = (1 - momentum) * running + momentum * batch. */
  momentum: z.number().gt(0).lt(1).default(0.1),
  epsilon: z.number().positive().default(1e-5),
});
export const activationLayer = z.strictObject({
  type: z.literal('activation'),
  activation: z.enum(activationNames),
});

export const layerSpec = z.discriminatedUnion('type', [
  denseLayer,
  conv1dLayer,
  conv2dLayer,
  pool1dLayer,
  pool2dLayer,
  flattenLayer,
  dropoutLayer,
  batchNormLayer,
  activationLayer,
]);

export const lossNames = ['softmax_cross_entropy', 'sigmoid_cross_entropy', 'mse'] as const;

export const modelSpecSchema = z.strictObject({
  inputShape: z.array(positiveInt).min(1).max(4),
  layers: z.array(layerSpec).min(1),
  /**
   * softmax_cross_entropy: last layer gives one logit per class, labels are class indices.
   * sigmoid_cross_entropy: last layer gives one logit, labels are 0/1.
   * mse: last layer gives the regression targets.
   */
  loss: z.enum(lossNames),
});

export type ModelSpec = z.infer<typeof modelSpecSchema>;
export type ModelSpecInput = z.input<typeof modelSpecSchema>;
export type LayerSpec = z.infer<typeof layerSpec>;
export type LayerType = LayerSpec['type'];
export type Activation = (typeof activationNames)[number];
export type LossName = (typeof lossNames)[number];

/** Normalise `3` and `[3, 3]` to a pair. */
export function pair(v: number | readonly [number, number]): [number, number] {
  return typeof v === 'number' ? [v, v] : [v[0], v[1]];
}
