import { ErrorCodes, MedfedError } from '../../core/errors.js';
import { modelLayout } from '../../core/model-params.js';
import type { Activation, ModelSpec } from '../../core/model-spec.js';
import type { Weights } from '../../core/tensors.js';

/** One dense layer of the attack's copy of the victim: W is [out, in] (PyTorch layout). */
export interface DenseLayer {
  readonly name: string;
  readonly inDim: number;
  readonly outDim: number;
  readonly w: Float64Array;
  readonly b: Float64Array | null;
  readonly activation: Activation;
}

/**
 * The attacker's differentiable copy of a victim MLP, built from the model spec and the victim's
 * weights by their PyTorch names ("<layer>.weight", "<layer>.bias"). Supported: dense layers with
 * linear, tanh, sigmoid or relu activation, separate activation layers after a linear dense,
 * flatten, and dropout (identity: the observed gradient is taken without dropout); the last
 * layer gives the logits of a softmax or sigmoid cross-entropy loss. Inputs must be 1-D or
 * single-channel images (flatten order is then the same in TF.js and PyTorch).
 */
export interface AttackModel {
  readonly inputDim: number;
  readonly layers: readonly DenseLayer[];
  readonly loss: 'softmax_cross_entropy' | 'sigmoid_cross_entropy';
  /** Number of classes (2 for a sigmoid output). */
  readonly classes: number;
}

function unsupported(where: string, message: string): MedfedError {
  return new MedfedError(ErrorCodes.CONFIG_INVALID, `gradient inversion: ${message}`, {
    where,
    hint: 'the inversion attack supports MLPs (dense, activation, flatten, dropout layers) on 1-D or single-channel inputs; see docs/red-team.md',
  });
}

export function attackModelFrom(spec: ModelSpec, weights: Weights): AttackModel {
  const layout = modelLayout(spec);
  const shape = spec.inputShape;
  if (shape.length > 1 && shape[shape.length - 1] !== 1) throw unsupported('inputShape', `input shape [${shape.join(', ')}] has ${shape[shape.length - 1]} channels; only 1 is supported`);
  const loss = spec.loss;
  if (loss !== 'softmax_cross_entropy' && loss !== 'sigmoid_cross_entropy') throw unsupported('loss', `the loss is ${loss}; a classifier (softmax or sigmoid cross-entropy) is needed`);
  const layers: DenseLayer[] = [];
  let dim = shape.reduce((a, b) => a * b, 1);
  for (const { index, layer } of layout.layers) {
    const where = `layers[${index}] (${layer.type})`;
    if (layer.type === 'flatten' || layer.type === 'dropout') continue;
    if (layer.type === 'activation') {
      const last = layers[layers.length - 1];
      if (!last || last.activation !== 'linear') throw unsupported(where, 'an activation layer must follow a dense layer without activation');
      layers[layers.length - 1] = { ...last, activation: layer.activation };
      continue;
    }
    if (layer.type !== 'dense') throw unsupported(where, `layer type ${layer.type} is not supported`);
    const w = weights.get(`${index}.weight`);
    const b = weights.get(`${index}.bias`);
    if (!w || w.data.length !== layer.units * dim || (layer.useBias && (!b || b.data.length !== layer.units))) {
      throw new MedfedError(ErrorCodes.SHAPE_MISMATCH, `weights for layer ${index} are missing or have the wrong size (expected ${index}.weight [${layer.units}, ${dim}]${layer.useBias ? ` and ${index}.bias [${layer.units}]` : ''})`, {
        where,
        hint: 'the weights file must match the model spec (medfed inspect FILE lists its tensors)',
      });
    }
    layers.push({ name: String(index), inDim: dim, outDim: layer.units, w: Float64Array.from(w.data), b: layer.useBias ? Float64Array.from(b!.data) : null, activation: layer.activation });
    dim = layer.units;
  }
  if (layers.length === 0) throw unsupported('layers', 'the model has no dense layer');
  if (layers[layers.length - 1].activation !== 'linear') throw unsupported(`layers[${layers[layers.length - 1].name}]`, 'the last dense layer must give logits (activation linear)');
  const classes = spec.loss === 'sigmoid_cross_entropy' ? 2 : dim;
  if (spec.loss === 'sigmoid_cross_entropy' && dim !== 1) throw unsupported('loss', `sigmoid cross-entropy needs 1 output, the model has ${dim}`);
  return { inputDim: layers[0].inDim, layers, loss, classes };
}

/** Parameter gradients in the attack model's order: per layer W (out x in) then b. */
export type FlatGradients = Float64Array[];

/** The victim's observed gradient (engine tensors by name) in the attack model's order. */
export function flattenObserved(model: AttackModel, gradients: Weights): FlatGradients {
  const out: FlatGradients = [];
  for (const l of model.layers) {
    for (const role of l.b ? ['weight', 'bias'] : ['weight']) {
      const g = gradients.get(`${l.name}.${role}`);
      const size = role === 'weight' ? l.w.length : l.outDim;
      if (!g || g.data.length !== size) {
        throw new MedfedError(ErrorCodes.SHAPE_MISMATCH, `the observed update has no ${l.name}.${role} of ${size} values`, { where: `${l.name}.${role}`, hint: 'the update must come from the same model spec' });
      }
      out.push(Float64Array.from(g.data));
    }
  }
  return out;
}
