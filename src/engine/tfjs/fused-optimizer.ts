import { ErrorCodes, MedfedError } from '../../core/errors.js';
import type { OptimizerSpec } from '../engine.js';

/** Per-step extras added to the gradient of tensor i (all in the same layout as the weights). */
export interface GradientExtras {
  /** SCAFFOLD correction (c - c_i), or null for tensors without one. */
  readonly correction?: readonly (Float32Array | null)[];
  /** FedProx: g += mu * (w - anchor). */
  readonly proximal?: { readonly mu: number; readonly anchor: readonly Float32Array[] };
}

function check(ok: boolean, field: string, what: string): void {
  if (!ok) {
    throw new MedfedError(ErrorCodes.CONFIG_INVALID, `optimizer.${field} must be ${what}`, {
      where: `optimizer.${field}`,
      hint: 'typical values: sgd lr 0.01-0.1, adam lr 1e-3, momentum 0.9',
    });
  }
}

/** Validate an optimizer spec; returns it with PyTorch's defaults filled in. */
export function resolveOptimizer(spec: OptimizerSpec): Required<OptimizerSpec> {
  check(['sgd', 'momentum', 'adam'].includes(spec.name), 'name', 'one of sgd, momentum, adam');
  const r: Required<OptimizerSpec> = {
    name: spec.name,
    lr: spec.lr,
    momentum: spec.momentum ?? 0.9,
    beta1: spec.beta1 ?? 0.9,
    beta2: spec.beta2 ?? 0.999,
    epsilon: spec.epsilon ?? 1e-8,
    weightDecay: spec.weightDecay ?? 0,
  };
  check(Number.isFinite(r.lr) && r.lr > 0, 'lr', 'a positive number');
  check(r.momentum >= 0 && r.momentum < 1, 'momentum', 'in [0, 1)');
  check(r.beta1 >= 0 && r.beta1 < 1, 'beta1', 'in [0, 1)');
  check(r.beta2 >= 0 && r.beta2 < 1, 'beta2', 'in [0, 1)');
  check(r.epsilon > 0, 'epsilon', 'positive');
  check(Number.isFinite(r.weightDecay) && r.weightDecay >= 0, 'weightDecay', 'a number >= 0');
  return r;
}

/**
 * SGD, SGD with momentum and Adam with PyTorch's update rules (torch.optim, defaults: no
 * dampening, no Nesterov, no AMSGrad), applied in one JS pass per tensor directly to the weight
 * memory: the gradient extras (weight decay, SCAFFOLD correction, FedProx) are fused into the same
 * loop, so a step costs no TF.js ops at all. Returns sum((w - anchor)^2) over all tensors (the
 * FedProx distance before the step), 0 without a proximal term.
 */
export class FusedOptimizer {
  private readonly spec: Required<OptimizerSpec>;
  private readonly first: Float32Array[];
  private readonly second: Float32Array[];
  private t = 0;

  constructor(spec: OptimizerSpec, sizes: readonly number[]) {
    this.spec = resolveOptimizer(spec);
    const needsFirst = this.spec.name !== 'sgd';
    this.first = sizes.map((s) => new Float32Array(needsFirst ? s : 0));
    this.second = sizes.map((s) => new Float32Array(this.spec.name === 'adam' ? s : 0));
  }

  get steps(): number {
    return this.t;
  }

  step(weights: readonly Float32Array[], grads: readonly Float32Array[], extras: GradientExtras = {}): number {
    const { name, lr, momentum, beta1, beta2, epsilon, weightDecay: wd } = this.spec;
    this.t++;
    const bc1 = 1 - Math.pow(beta1, this.t);
    const bc2Sqrt = Math.sqrt(1 - Math.pow(beta2, this.t));
    const stepSize = lr / bc1;
    const mu = extras.proximal?.mu ?? 0;
    let proxSum = 0;
    for (let k = 0; k < weights.length; k++) {
      const w = weights[k];
      const g = grads[k];
      const c = extras.correction?.[k] ?? null;
      const a = extras.proximal?.anchor[k] ?? null;
      const m = this.first[k];
      const v = this.second[k];
      for (let i = 0; i < w.length; i++) {
        let gi = g[i] + wd * w[i];
        if (a !== null) {
          const d = w[i] - a[i];
          proxSum += d * d;
          gi += mu * d;
        }
        if (c !== null) gi += c[i];
        if (name === 'sgd') {
          w[i] -= lr * gi;
        } else if (name === 'momentum') {
          const b = this.t === 1 ? gi : momentum * m[i] + gi;
          m[i] = b;
          w[i] -= lr * b;
        } else {
          const mi = beta1 * m[i] + (1 - beta1) * gi;
          const vi = beta2 * v[i] + (1 - beta2) * gi * gi;
          m[i] = mi;
          v[i] = vi;
          w[i] -= (stepSize * mi) / (Math.sqrt(vi) / bc2Sqrt + epsilon);
        }
      }
    }
    return proxSum;
  }
}
