import { ErrorCodes, MedfedError } from './errors.js';
import { modelSpecSchema, pair, type LayerSpec, type ModelSpec, type ModelSpecInput } from './model-spec.js';
import { Rng } from './random.js';
import { sizeOf, type Tensor, type Weights } from './tensors.js';
import { formatZodIssues } from './zod-errors.js';

export type ParamRole = 'weight' | 'bias' | 'running_mean' | 'running_var';

/** One named tensor of a model, in PyTorch layout. */
export interface ParamInfo {
  /** `"<layer index>.<role>"`, as PyTorch's nn.Sequential state_dict names it. */
  readonly name: string;
  readonly shape: readonly number[];
  readonly layerIndex: number;
  readonly layerType: LayerSpec['type'];
  readonly role: ParamRole;
  /** Updated by the optimizer (false for batch-norm running statistics). */
  readonly trainable: boolean;
  /** Belongs to a normalisation layer (FedBN keeps these local). */
  readonly normalization: boolean;
}

export interface LayerShapes {
  readonly index: number;
  readonly layer: LayerSpec;
  readonly inputShape: readonly number[];
  readonly outputShape: readonly number[];
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

function layerError(i: number, layer: LayerSpec, msg: string): MedfedError {
  return new MedfedError(ErrorCodes.SHAPE_MISMATCH, `layer ${i} (${layer.type}): ${msg}`, {
    where: `layers[${i}] (${layer.type})`,
    hint: 'check the layer order and the input shape in the model spec',
  });
}

function convOut(n: number, k: number, s: number, pad: 'valid' | 'same'): number {
  return pad === 'same' ? Math.ceil(n / s) : Math.floor((n - k) / s) + 1;
}

/** Infer every layer's shapes and the parameter list; throws SHAPE_MISMATCH naming the layer. */
export function modelLayout(specInput: ModelSpec | ModelSpecInput): ModelLayout {
  const spec = parseModelSpec(specInput);
  let shape: number[] = [...spec.inputShape];
  const layers: LayerShapes[] = [];
  const params: ParamInfo[] = [];
  const add = (i: number, layer: LayerSpec, role: ParamRole, s: number[], trainable = true, normalization = false) =>
    params.push({ name: `${i}.${role}`, shape: s, layerIndex: i, layerType: layer.type, role, trainable, normalization });

  spec.layers.forEach((layer, i) => {
    const inShape = shape;
    switch (layer.type) {
      case 'dense': {
        if (shape.length !== 1) throw layerError(i, layer, `needs a flat input, got [${shape.join(', ')}]; add a flatten layer before it`);
        add(i, layer, 'weight', [layer.units, shape[0]]);
        if (layer.useBias) add(i, layer, 'bias', [layer.units]);
        shape = [layer.units];
        break;
      }
      case 'conv1d': {
        if (shape.length !== 2) throw layerError(i, layer, `needs input [length, channels], got [${shape.join(', ')}]`);
        const [len, c] = shape;
        const out = convOut(len, layer.kernelSize, layer.stride, layer.padding);
        if (out < 1) throw layerError(i, layer, `kernel ${layer.kernelSize} is larger than the input length ${len}`);
        add(i, layer, 'weight', [layer.filters, c, layer.kernelSize]);
        if (layer.useBias) add(i, layer, 'bias', [layer.filters]);
        shape = [out, layer.filters];
        break;
      }
      case 'conv2d': {
        if (shape.length !== 3) throw layerError(i, layer, `needs input [height, width, channels], got [${shape.join(', ')}]`);
        const [h, w, c] = shape;
        const [kh, kw] = pair(layer.kernelSize);
        const [sh, sw] = pair(layer.stride);
        const oh = convOut(h, kh, sh, layer.padding);
        const ow = convOut(w, kw, sw, layer.padding);
        if (oh < 1 || ow < 1) throw layerError(i, layer, `kernel ${kh}x${kw} is larger than the input ${h}x${w}`);
        add(i, layer, 'weight', [layer.filters, c, kh, kw]);
        if (layer.useBias) add(i, layer, 'bias', [layer.filters]);
        shape = [oh, ow, layer.filters];
        break;
      }
      case 'maxPool1d':
      case 'avgPool1d': {
        if (shape.length !== 2) throw layerError(i, layer, `needs input [length, channels], got [${shape.join(', ')}]`);
        const out = convOut(shape[0], layer.poolSize, layer.stride ?? layer.poolSize, layer.padding);
        if (out < 1) throw layerError(i, layer, `pool ${layer.poolSize} is larger than the input length ${shape[0]}`);
        shape = [out, shape[1]];
        break;
      }
      case 'maxPool2d':
      case 'avgPool2d': {
        if (shape.length !== 3) throw layerError(i, layer, `needs input [height, width, channels], got [${shape.join(', ')}]`);
        const [ph, pw] = pair(layer.poolSize);
        const [sh, sw] = pair(layer.stride ?? layer.poolSize);
        const oh = convOut(shape[0], ph, sh, layer.padding);
        const ow = convOut(shape[1], pw, sw, layer.padding);
        if (oh < 1 || ow < 1) throw layerError(i, layer, `pool ${ph}x${pw} is larger than the input ${shape[0]}x${shape[1]}`);
        shape = [oh, ow, shape[2]];
        break;
      }
      case 'flatten':
        shape = [sizeOf(shape)];
        break;
      case 'batchNorm': {
        const c = shape[shape.length - 1];
        add(i, layer, 'weight', [c], true, true);
        add(i, layer, 'bias', [c], true, true);
        add(i, layer, 'running_mean', [c], false, true);
        add(i, layer, 'running_var', [c], false, true);
        break;
      }
      case 'dropout':
      case 'activation':
        break;
    }
    layers.push({ index: i, layer, inputShape: inShape, outputShape: shape });
  });

  const last = spec.layers.length - 1;
  if (shape.length !== 1) {
    throw layerError(last, spec.layers[last], `the model output must be flat, got [${shape.join(', ')}]`);
  }
  if (spec.loss === 'softmax_cross_entropy' && shape[0] < 2) {
    throw layerError(last, spec.layers[last], `softmax_cross_entropy needs at least 2 outputs (one per class), got ${shape[0]}`);
  }
  if (spec.loss === 'sigmoid_cross_entropy' && shape[0] !== 1) {
    throw layerError(last, spec.layers[last], `sigmoid_cross_entropy needs exactly 1 output, got ${shape[0]}`);
  }
  return { spec, layers, params, outputShape: shape };
}

/**
 * Initial weights, identical on every engine for the same spec and seed: PyTorch's defaults
 * (weights and biases U(-1/sqrt(fan_in), 1/sqrt(fan_in)); batch norm weight 1, bias 0,
 * running mean 0, running variance 1).
 */
export function initialWeights(layout: ModelLayout, seed: number): Map<string, Tensor> {
  const out = new Map<string, Tensor>();
  for (const p of layout.params) {
    const data = new Float32Array(sizeOf(p.shape));
    if (p.layerType === 'batchNorm') {
      if (p.role === 'weight' || p.role === 'running_var') data.fill(1);
    } else {
      const w = layout.params.find((q) => q.layerIndex === p.layerIndex && q.role === 'weight')!;
      const fanIn = sizeOf(w.shape.slice(1));
      const bound = 1 / Math.sqrt(fanIn);
      const rng = Rng.derive(seed, 'init', p.name);
      for (let i = 0; i < data.length; i++) data[i] = (rng.uniform() * 2 - 1) * bound;
    }
    out.set(p.name, { shape: [...p.shape], data });
  }
  return out;
}

/** Names of the parameters a FedBN-style strategy keeps local. */
export function normalizationParamNames(layout: ModelLayout): string[] {
  return layout.params.filter((p) => p.normalization).map((p) => p.name);
}

export function isWeightsOf(layout: ModelLayout, w: Weights): boolean {
  return layout.params.length === w.size && layout.params.every((p) => w.get(p.name)?.data.length === sizeOf(p.shape));
}
