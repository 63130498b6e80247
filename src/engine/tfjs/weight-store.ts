import * as tf from '@tensorflow/tfjs-core';
import { ErrorCodes, MedfedError } from '../../core/errors.js';
import type { ModelLayout, ParamInfo } from '../../core/model-params.js';
import { sameShape, sizeOf, type Tensor, type Weights } from '../../core/tensors.js';
import type { TfjsBackendName } from './backend.js';
import { internalShape, toExternal, toInternal } from './layout-convert.js';

/**
 * A model's tensors: master copies in JS memory (TF.js layouts), which the optimizer updates in
 * place, and TF.js tensors made from them on demand. Tensors are remade after every change
 * rather than written in place, because the wasm backend caches packed weights by tensor.
 */
export class WeightStore {
  readonly masters: Float32Array[];
  private readonly shapes: number[][];
  private current: tf.Tensor[] | null = null;
  private byName: Map<string, tf.Tensor> | null = null;

  constructor(
    private readonly layout: ModelLayout,
    private readonly backend: TfjsBackendName,
  ) {
    this.shapes = layout.params.map(internalShape);
    this.masters = layout.params.map((p) => new Float32Array(sizeOf(p.shape)));
  }

  get params(): readonly ParamInfo[] {
    return this.layout.params;
  }

  /** The tensors by name (made now if the masters changed); the caller must not dispose them. */
  tensors(): ReadonlyMap<string, tf.Tensor> {
    if (!this.current) {
      // The cpu backend would keep the array itself; give it a copy so masters stay private.
      this.current = this.masters.map((m, i) => tf.tensor(this.backend === 'cpu' ? m.slice() : m, this.shapes[i], 'float32'));
      this.byName = new Map(this.params.map((p, i) => [p.name, this.current![i]]));
    }
    return this.byName!;
  }

  /** Call after changing masters: the tensors are remade on next use. */
  invalidate(): void {
    this.current?.forEach((t) => t.dispose());
    this.current = null;
    this.byName = null;
  }

  get(): Map<string, Tensor> {
    const out = new Map<string, Tensor>();
    this.params.forEach((p, i) => out.set(p.name, { shape: [...p.shape], data: toExternal(p, this.masters[i]) }));
    return out;
  }

  /** Replace the named tensors (PyTorch layouts); checks every name and shape before changing any. */
  set(weights: Weights): void {
    const index = this.resolve(weights, 'weights');
    for (const [name, t] of weights) toInternal(this.params[index.get(name)!], t.data, this.masters[index.get(name)!]);
    this.invalidate();
  }

  /** Positions of the named tensors; SHAPE_MISMATCH for an unknown name or a wrong shape. */
  resolve(weights: Weights, what: string): Map<string, number> {
    const index = new Map<string, number>();
    for (const [name, t] of weights) {
      const i = this.params.findIndex((p) => p.name === name);
      if (i < 0) {
        throw new MedfedError(ErrorCodes.SHAPE_MISMATCH, `${what} has tensor "${name}", which the model does not have`, {
          where: name,
          hint: `the model's tensors are ${this.params.map((p) => p.name).join(', ')}`,
        });
      }
      const p = this.params[i];
      if (!sameShape(t.shape, p.shape) || t.data.length !== sizeOf(p.shape)) {
        throw new MedfedError(
          ErrorCodes.SHAPE_MISMATCH,
          `${what} tensor "${name}" has shape [${t.shape.join(', ')}] (${t.data.length} values), the model needs [${p.shape.join(', ')}]`,
          { where: name, hint: 'weights use PyTorch layouts: dense [out, in], conv1d [out, in, k], conv2d [out, in, kh, kw], conv3d [out, in, kd, kh, kw]' },
        );
      }
      index.set(name, i);
    }
    return index;
  }

  /** Values of the named tensors converted to TF.js layouts (null where absent), in param order. */
  internalCopies(weights: Weights, what: string): (Float32Array | null)[] {
    const index = this.resolve(weights, what);
    return this.params.map((p, i) => {
      const t = weights.get(p.name);
      if (!t || !index.has(p.name)) return null;
      const out = new Float32Array(this.masters[i].length);
      toInternal(p, t.data, out);
      return out;
    });
  }

  dispose(): void {
    this.invalidate();
  }
}
