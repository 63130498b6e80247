import { ErrorCodes, MedfedError } from './errors.js';
import { modelSpecSchema, pair, triple, type LayerSpec, type ModelSpec, type ModelSpecInput } from './model-spec.js';
import { Rng } from './random.js';
import { sizeOf, type Tensor, type Weights } from './tensors.js';
import { formatZodIssues } from './zod-errors.js';

export type ParamRole = 'weight' | 'bias' | 'running_mean' | 'running_var' | RecurrentRole;
/** PyTorch nn.LSTM / nn.GRU parameter names (one layer): input-hidden and hidden-hidden weights and biases. */
export type RecurrentRole = 'weight_ih_l0' | 'weight_hh_l0' | 'bias_ih_l0' | 'bias_hh_l0';
/** Gate blocks per recurrent layer type: lstm (i, f, g, o), gru (r, z, n). */
export function recurrentGates(type: 'lstm' | 'gru'): number {
  return type === 'lstm' ? 4 : 3;
}

/** One named tensor of a model, in PyTorch layout. */
export interface ParamInfo {
  /**
   * `"<layer path>.<role>"`, as PyTorch's nn.Sequential state_dict names it: `"3.weight"`, and
   * inside a concatSkip block at index 3 (a module whose inner nn.Sequential is `layers`),
   * `"3.layers.1.weight"`.
   */
  readonly name: string;
  readonly shape: readonly number[];
  /** Index of the top-level layer (for a layer inside a concatSkip block: of the outermost block). */
  readonly layerIndex: number;
  /** The name prefix of the layer itself: `"3"` or `"3.layers.1"`. */
  readonly layerPath: string;
  readonly layerType: LayerSpec['type'];
  readonly role: ParamRole;
  /** Updated by the optimizer (false for batch-norm running statistics). */
  readonly trainable: boolean;
  /** Belongs to a normalisation layer (FedBN keeps these local). */
  readonly normalization: boolean;
}

export interface LayerShapes {
  /** Position in its list (the top-level list, or its block's `layers`). */
  readonly index: number;
  /** Parameter-name prefix: `"3"`, or `"3.layers.1"` inside the concatSkip block at index 3. */
  readonly path: string;
  readonly layer: LayerSpec;
  readonly inputShape: readonly number[];
  readonly outputShape: readonly number[];
  /** A concatSkip block's inner layers. */
  readonly children?: readonly LayerShapes[];
}

export interface ModelLayout {
  readonly spec: ModelSpec;
  readonly layers: readonly LayerShapes[];
  readonly params: readonly ParamInfo[];
  readonly outputShape: readonly number[];
}

/** Validate a model spec (zod) and return it with defaults filled in. */
export function parseModelSpec(input: unknown, where = 'model'): ModelSpec {
  const r = modelSpecSchema.safeParse(input);
  if (!r.success) {
    throw new MedfedError(ErrorCodes.CONFIG_INVALID, `invalid model spec: ${formatZodIssues(r.error, where)}`, {
      where,
      hint: 'see docs/model-spec.md for the layer types and their fields',
    });
  }
  return r.data;
}

/** `path` is the layer's parameter prefix: "3", or "3.layers.1" inside a concatSkip block. */
function layerError(path: string, layer: LayerSpec, msg: string): MedfedError {
  const where = `layers[${path.split('.layers.').join('].layers[')}] (${layer.type})`;
  return new MedfedError(ErrorCodes.SHAPE_MISMATCH, `layer ${path} (${layer.type}): ${msg}`, {
    where,
    hint: 'check the layer order and the input shape in the model spec',
  });
}

function convOut(n: number, k: number, s: number, pad: 'valid' | 'same'): number {
  return pad === 'same' ? Math.ceil(n / s) : Math.floor((n - k) / s) + 1;
}

/** Infer every layer's shapes and the parameter list; throws SHAPE_MISMATCH naming the layer. */
export function modelLayout(specInput: ModelSpec | ModelSpecInput): ModelLayout {
  const spec = parseModelSpec(specInput);
  const params: ParamInfo[] = [];
  const layers = layoutLayers(spec.layers, spec.inputShape, '', undefined, params);
  const shape = layers[layers.length - 1].outputShape;
  checkOutput(spec, shape);
  return { spec, layers, params, outputShape: [...shape] };
}

/** Shapes and parameters of a list of layers; `prefix` is '' at the top, `"<i>.layers."` inside a block. */
function layoutLayers(
  list: readonly LayerSpec[],
  input: readonly number[],
  prefix: string,
  top: number | undefined,
  params: ParamInfo[],
): LayerShapes[] {
  let shape: number[] = [...input];
  return list.map((layer, i) => {
    const path = `${prefix}${i}`;
    const inShape = shape;
    const add = (role: ParamRole, s: number[], trainable = true, normalization = false) =>
      params.push({ name: `${path}.${role}`, shape: s, layerIndex: top ?? i, layerPath: path, layerType: layer.type, role, trainable, normalization });
    const fail = (msg: string) => layerError(path, layer, msg);
    let children: LayerShapes[] | undefined;
    switch (layer.type) {
      case 'dense': {
        if (shape.length !== 1) throw fail(`needs a flat input, got [${shape.join(', ')}]; add a flatten layer before it`);
        add('weight', [layer.units, shape[0]]);
        if (layer.useBias) add('bias', [layer.units]);
        shape = [layer.units];
        break;
      }
      case 'conv1d': {
        if (shape.length !== 2) throw fail(`needs input [length, channels], got [${shape.join(', ')}]`);
        const [len, c] = shape;
        const out = convOut(len, layer.kernelSize, layer.stride, layer.padding);
        if (out < 1) throw fail(`kernel ${layer.kernelSize} is larger than the input length ${len}`);
        add('weight', [layer.filters, c, layer.kernelSize]);
        if (layer.useBias) add('bias', [layer.filters]);
        shape = [out, layer.filters];
        break;
      }
      case 'conv2d': {
        if (shape.length !== 3) throw fail(`needs input [height, width, channels], got [${shape.join(', ')}]`);
        const [h, w, c] = shape;
        const [kh, kw] = pair(layer.kernelSize);
        const [sh, sw] = pair(layer.stride);
        const oh = convOut(h, kh, sh, layer.padding);
        const ow = convOut(w, kw, sw, layer.padding);
        if (oh < 1 || ow < 1) throw fail(`kernel ${kh}x${kw} is larger than the input ${h}x${w}`);
        add('weight', [layer.filters, c, kh, kw]);
        if (layer.useBias) add('bias', [layer.filters]);
        shape = [oh, ow, layer.filters];
        break;
      }
      case 'conv3d': {
        if (shape.length !== 4) throw fail(`needs input [depth, height, width, channels], got [${shape.join(', ')}]`);
        const k = triple(layer.kernelSize);
        const s = triple(layer.stride);
        const out = k.map((kk, a) => convOut(shape[a], kk, s[a], layer.padding));
        if (out.some((o) => o < 1)) throw fail(`kernel ${k.join('x')} is larger than the input ${shape.slice(0, 3).join('x')}`);
        add('weight', [layer.filters, shape[3], ...k]);
        if (layer.useBias) add('bias', [layer.filters]);
        shape = [...out, layer.filters];
        break;
      }
      case 'maxPool1d':
      case 'avgPool1d': {
        if (shape.length !== 2) throw fail(`needs input [length, channels], got [${shape.join(', ')}]`);
        const out = convOut(shape[0], layer.poolSize, layer.stride ?? layer.poolSize, layer.padding);
        if (out < 1) throw fail(`pool ${layer.poolSize} is larger than the input length ${shape[0]}`);
        shape = [out, shape[1]];
        break;
      }
      case 'maxPool2d':
      case 'avgPool2d': {
        if (shape.length !== 3) throw fail(`needs input [height, width, channels], got [${shape.join(', ')}]`);
        const [ph, pw] = pair(layer.poolSize);
        const [sh, sw] = pair(layer.stride ?? layer.poolSize);
        const oh = convOut(shape[0], ph, sh, layer.padding);
        const ow = convOut(shape[1], pw, sw, layer.padding);
        if (oh < 1 || ow < 1) throw fail(`pool ${ph}x${pw} is larger than the input ${shape[0]}x${shape[1]}`);
        shape = [oh, ow, shape[2]];
        break;
      }
      case 'maxPool3d':
      case 'avgPool3d': {
        if (shape.length !== 4) throw fail(`needs input [depth, height, width, channels], got [${shape.join(', ')}]`);
        const k = triple(layer.poolSize);
        const s = triple(layer.stride ?? layer.poolSize);
        const out = k.map((kk, a) => convOut(shape[a], kk, s[a], layer.padding));
        if (out.some((o) => o < 1)) throw fail(`pool ${k.join('x')} is larger than the input ${shape.slice(0, 3).join('x')}`);
        shape = [...out, shape[3]];
        break;
      }
      case 'upsample': {
        const spatial = shape.length - 1;
        if (spatial < 1 || spatial > 3) throw fail(`needs input [...1 to 3 spatial axes, channels], got [${shape.join(', ')}]`);
        const f = upsampleFactors(layer.scaleFactor, spatial);
        if (!f) throw fail(`scaleFactor [${String(layer.scaleFactor)}] needs one factor per spatial axis (${spatial}) or a single number`);
        shape = [...shape.slice(0, spatial).map((d, a) => d * f[a]), shape[spatial]];
        break;
      }
      case 'concatSkip': {
        if (shape.length < 2) throw fail(`needs a spatial input [...spatial, channels], got [${shape.join(', ')}]`);
        children = layoutLayers(layer.layers, shape, `${path}.layers.`, top ?? i, params);
        const inner = children[children.length - 1].outputShape;
        const same = inner.length === shape.length && inner.slice(0, -1).every((d, a) => d === shape[a]);
        if (!same) {
          throw fail(
            `its inner layers turn [${shape.join(', ')}] into [${inner.join(', ')}]; the skip concatenation needs the same spatial size (` +
              `pad 'same', or upsample by the pooling factor)`,
          );
        }
        shape = [...shape.slice(0, -1), shape[shape.length - 1] + inner[inner.length - 1]];
        break;
      }
      case 'flatten':
        shape = [sizeOf(shape)];
        break;
      case 'batchNorm': {
        const c = shape[shape.length - 1];
        add('weight', [c], true, true);
        add('bias', [c], true, true);
        add('running_mean', [c], false, true);
        add('running_var', [c], false, true);
        break;
      }
      case 'lstm':
      case 'gru': {
        if (shape.length !== 2) throw fail(`needs a sequence input [length, features], got [${shape.join(', ')}]`);
        const g = recurrentGates(layer.type) * layer.units;
        add('weight_ih_l0', [g, shape[1]]);
        add('weight_hh_l0', [g, layer.units]);
        add('bias_ih_l0', [g]);
        add('bias_hh_l0', [g]);
        shape = layer.returnSequences ? [shape[0], layer.units] : [layer.units];
        break;
      }
      case 'dropout':
      case 'activation':
        break;
    }
    return { index: i, path, layer, inputShape: inShape, outputShape: shape, ...(children ? { children } : {}) };
  });
}

/** Per-axis upsampling factors for `spatial` axes, or null when the list has the wrong length. */
export function upsampleFactors(scale: number | readonly number[], spatial: number): number[] | null {
  if (typeof scale === 'number') return Array.from({ length: spatial }, () => scale);
  return scale.length === spatial ? [...scale] : null;
}

function checkOutput(spec: ModelSpec, shape: readonly number[]): void {
  const last = spec.layers.length - 1;
  const fail = (msg: string) => layerError(String(last), spec.layers[last], msg);
  if (spec.loss === 'voxel_softmax_cross_entropy') {
    if (shape.length < 2) throw fail(`voxel_softmax_cross_entropy needs a spatial output [...spatial, classes], got [${shape.join(', ')}]`);
    if (shape[shape.length - 1] < 2) throw fail(`voxel_softmax_cross_entropy needs at least 2 output channels (one per class), got ${shape[shape.length - 1]}`);
    return;
  }
  if (shape.length !== 1) {
    throw fail(`the model output must be flat, got [${shape.join(', ')}] (per-voxel outputs need the loss voxel_softmax_cross_entropy)`);
  }
  if (spec.loss === 'softmax_cross_entropy' && shape[0] < 2) {
    throw fail(`softmax_cross_entropy needs at least 2 outputs (one per class), got ${shape[0]}`);
  }
  if ((spec.loss === 'sigmoid_cross_entropy' || spec.loss === 'cox') && shape[0] !== 1) {
    throw fail(`${spec.loss} needs exactly 1 output, got ${shape[0]}`);
  }
}

/** Every layer, depth first (a concatSkip block before its inner layers). */
export function allLayers(layers: readonly LayerShapes[]): LayerShapes[] {
  return layers.flatMap((l) => [l, ...(l.children ? allLayers(l.children) : [])]);
}

/** Classes (softmax losses) or outputs per position: the size of the output's last axis. */
export function outputChannels(layout: ModelLayout): number {
  return layout.outputShape[layout.outputShape.length - 1];
}

/** Output positions per example: 1 for a flat output, D*H*W for voxel_softmax_cross_entropy. */
export function outputPositions(layout: ModelLayout): number {
  return sizeOf(layout.outputShape) / outputChannels(layout);
}

/** Label values per example: mse one per output, voxel loss one per position, else one. */
export function labelsPerExample(layout: ModelLayout): number {
  if (layout.spec.loss === 'mse') return sizeOf(layout.outputShape);
  return layout.spec.loss === 'voxel_softmax_cross_entropy' ? outputPositions(layout) : 1;
}

/**
 * Initial weights, identical on every engine for the same spec and seed: PyTorch's defaults
 * (weights and biases U(-1/sqrt(fan_in), 1/sqrt(fan_in)); batch norm weight 1, bias 0,
 * running mean 0, running variance 1; lstm and gru: every tensor U(-1/sqrt(units), 1/sqrt(units))).
 */
export function initialWeights(layout: ModelLayout, seed: number): Map<string, Tensor> {
  const out = new Map<string, Tensor>();
  for (const p of layout.params) {
    const data = new Float32Array(sizeOf(p.shape));
    if (p.layerType === 'batchNorm') {
      if (p.role === 'weight' || p.role === 'running_var') data.fill(1);
    } else {
      const bound = 1 / Math.sqrt(initFanIn(layout, p));
      const rng = Rng.derive(seed, 'init', p.name);
      for (let i = 0; i < data.length; i++) data[i] = (rng.uniform() * 2 - 1) * bound;
    }
    out.set(p.name, { shape: [...p.shape], data });
  }
  return out;
}

/** The fan-in of PyTorch's default initialisation bound 1/sqrt(fan_in) for one parameter. */
function initFanIn(layout: ModelLayout, p: ParamInfo): number {
  if (p.layerType === 'lstm' || p.layerType === 'gru') return hiddenOf(layout, p);
  const w = layout.params.find((q) => q.layerPath === p.layerPath && q.role === 'weight')!;
  return sizeOf(w.shape.slice(1));
}

/** A recurrent layer's hidden size (weight_hh_l0 is [G*units, units]). */
function hiddenOf(layout: ModelLayout, p: ParamInfo): number {
  return layout.params.find((q) => q.layerPath === p.layerPath && q.role === 'weight_hh_l0')!.shape[1];
}

/** Names of the parameters a FedBN-style strategy keeps local. */
export function normalizationParamNames(layout: ModelLayout): string[] {
  return layout.params.filter((p) => p.normalization).map((p) => p.name);
}

export function isWeightsOf(layout: ModelLayout, w: Weights): boolean {
  return layout.params.length === w.size && layout.params.every((p) => w.get(p.name)?.data.length === sizeOf(p.shape));
}
