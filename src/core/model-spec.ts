import { z } from 'zod';

/**
 * The declarative model spec every training engine builds from (TF.js wasm now, libtorch later).
 * Shapes are per example, channels-last ("NHWC" without N): [features], [length, channels],
 * [height, width, channels], [depth, height, width, channels]. Weight names and layouts at the federation boundary are PyTorch's
 * (see core/model-params.ts); each engine converts layouts internally.
 */
const positiveInt = z.number().int().positive();
const size1or2 = z.union([positiveInt, z.tuple([positiveInt, positiveInt])]);
const size1or3 = z.union([positiveInt, z.tuple([positiveInt, positiveInt, positiveInt])]);
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
export const conv3dLayer = z.strictObject({
  type: z.literal('conv3d'),
  filters: positiveInt,
  kernelSize: size1or3,
  stride: size1or3.default(1),
  padding,
  activation,
  useBias: z.boolean().default(true),
});
export const pool3dLayer = z.strictObject({
  type: z.enum(['maxPool3d', 'avgPool3d']),
  poolSize: size1or3,
  stride: size1or3.optional(),
  padding,
});
/** Nearest-neighbour upsampling by integer factors (PyTorch nn.Upsample(mode='nearest')); 1d, 2d or 3d inputs. */
export const upsampleLayer = z.strictObject({
  type: z.literal('upsample'),
  /** One factor for every spatial axis, or one per spatial axis. */
  scaleFactor: z.union([positiveInt, z.array(positiveInt).min(1).max(3)]).default(2),
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
/**
 * One recurrent layer over a sequence input [length, features] (PyTorch nn.LSTM / nn.GRU with
 * batch_first=True, one layer, unidirectional, zero initial state). Output: the last step's hidden
 * state [units], or every step's [length, units] with returnSequences.
 * Parameters (PyTorch names and layouts, gate order as PyTorch): `<i>.weight_ih_l0` [G*units, features],
 * `<i>.weight_hh_l0` [G*units, units], `<i>.bias_ih_l0` [G*units], `<i>.bias_hh_l0` [G*units];
 * G = 4 for lstm (gates i, f, g, o), 3 for gru (gates r, z, n; n = tanh(W_in x + b_in + r * (W_hn h + b_hn))).
 */
export const recurrentLayer = z.strictObject({
  type: z.enum(['lstm', 'gru']),
  units: positiveInt,
  returnSequences: z.boolean().default(false),
});
export const activationLayer = z.strictObject({
  type: z.literal('activation'),
  activation: z.enum(activationNames),
});

/**
 * A block whose output is its input concatenated (channel axis, input first) with the output of
 * its inner layers, which must keep the spatial size (a U-Net skip connection). Inner parameters
 * are named `<i>.layers.<j>.<role>` (docs/model-spec.md).
 */
export interface ConcatSkipLayer {
  type: 'concatSkip';
  layers: LayerSpec[];
}
export interface ConcatSkipLayerInput {
  type: 'concatSkip';
  layers: LayerSpecInput[];
}
export const concatSkipLayer: z.ZodType<ConcatSkipLayer, ConcatSkipLayerInput> = z.strictObject({
  type: z.literal('concatSkip'),
  get layers() {
    return z.array(layerSpec).min(1);
  },
});

const plainLayers = [
  denseLayer,
  conv1dLayer,
  conv2dLayer,
  conv3dLayer,
  pool1dLayer,
  pool2dLayer,
  pool3dLayer,
  upsampleLayer,
  flattenLayer,
  dropoutLayer,
  batchNormLayer,
  activationLayer,
  recurrentLayer,
] as const;
type PlainLayer = z.infer<(typeof plainLayers)[number]>;
type PlainLayerInput = z.input<(typeof plainLayers)[number]>;

export const layerSpec: z.ZodType<PlainLayer | ConcatSkipLayer, PlainLayerInput | ConcatSkipLayerInput> = z.lazy(() =>
  z.union([z.discriminatedUnion('type', [...plainLayers]), concatSkipLayer]),
);

/**
 * voxel_softmax_cross_entropy: the output is spatial, [...spatial, classes]; every position
 * (voxel) has its own softmax over the channel axis and its own class-index label; the loss is
 * the mean over all positions of all examples (PyTorch CrossEntropyLoss on [N, C, D, H, W]).
 */
export const lossNames = ['softmax_cross_entropy', 'sigmoid_cross_entropy', 'mse', 'voxel_softmax_cross_entropy', 'cox'] as const;

export const modelSpecSchema = z.strictObject({
  inputShape: z.array(positiveInt).min(1).max(4),
  layers: z.array(layerSpec).min(1),
  /**
   * softmax_cross_entropy: last layer gives one logit per class, labels are class indices.
   * sigmoid_cross_entropy: last layer gives one logit, labels are 0/1.
   * mse: last layer gives the regression targets.
   * voxel_softmax_cross_entropy: last layer gives [...spatial, classes]; one class index per position.
   * cox: last layer gives one risk score; labels are +time (event) / -time (censored); the loss is
   *   the negative Cox partial log-likelihood (Breslow ties) per event of the batch (docs/survival.md).
   */
  loss: z.enum(lossNames),
});

export type ModelSpec = z.infer<typeof modelSpecSchema>;
export type ModelSpecInput = z.input<typeof modelSpecSchema>;
export type LayerSpec = PlainLayer | ConcatSkipLayer;
export type LayerSpecInput = PlainLayerInput | ConcatSkipLayerInput;
export type LayerType = LayerSpec['type'];
export type Activation = (typeof activationNames)[number];
export type LossName = (typeof lossNames)[number];

/** Normalise `3` and `[3, 3, 3]` to a triple. */
export function triple(v: number | readonly [number, number, number]): [number, number, number] {
  return typeof v === 'number' ? [v, v, v] : [v[0], v[1], v[2]];
}

/** Normalise `3` and `[3, 3]` to a pair. */
export function pair(v: number | readonly [number, number]): [number, number] {
  return typeof v === 'number' ? [v, v] : [v[0], v[1]];
}
