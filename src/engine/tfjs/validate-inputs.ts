import { ErrorCodes, MedfedError } from '../../core/errors.js';
import { labelsPerExample, outputChannels, type ModelLayout } from '../../core/model-params.js';
import { sameShape, sizeOf } from '../../core/tensors.js';

/** Throws SHAPE_MISMATCH unless `x` holds `n` examples of the spec's input shape. */
export function checkFeatures(layout: ModelLayout, x: Float32Array, n: number, featureShape?: readonly number[]): void {
  const inputShape = layout.spec.inputShape;
  if (featureShape && !sameShape(featureShape, inputShape)) {
    throw new MedfedError(
      ErrorCodes.SHAPE_MISMATCH,
      `data has feature shape [${featureShape.join(', ')}] but the model's inputShape is [${inputShape.join(', ')}]`,
      { where: 'model.inputShape', hint: 'make the model spec inputShape match the dataset (channels-last)' },
    );
  }
  if (!Number.isInteger(n) || n < 1) {
    throw new MedfedError(ErrorCodes.DATA_INVALID, `need at least one example, got n = ${n}`, { where: 'data' });
  }
  const per = sizeOf(inputShape);
  if (x.length !== n * per) {
    throw new MedfedError(
      ErrorCodes.SHAPE_MISMATCH,
      `${n} examples of shape [${inputShape.join(', ')}] need ${n * per} feature values, got ${x.length}`,
      { where: 'data.x', hint: 'features are row-major float32, one example after the other, channels-last' },
    );
  }
}

/** Throws DATA_INVALID/SHAPE_MISMATCH unless `y` fits the loss: class indices, 0/1, or n * outputs values. */
export function checkTargets(layout: ModelLayout, y: Float32Array, n: number): void {
  const k = outputChannels(layout);
  const loss = layout.spec.loss;
  const expected = n * labelsPerExample(layout);
  if (y.length !== expected) {
    throw new MedfedError(ErrorCodes.SHAPE_MISMATCH, `${n} examples need ${expected} label values for ${loss}, got ${y.length}`, {
      where: 'data.y',
    });
  }
  for (let i = 0; i < y.length; i++) {
    const v = y[i];
    const ok =
      loss === 'softmax_cross_entropy' || loss === 'voxel_softmax_cross_entropy'
        ? Number.isInteger(v) && v >= 0 && v < k
        : loss === 'sigmoid_cross_entropy'
          ? v === 0 || v === 1
          : loss === 'cox'
            ? Number.isFinite(v) && v !== 0
            : Number.isFinite(v);
    if (!ok) {
      const want =
        loss === 'softmax_cross_entropy' || loss === 'voxel_softmax_cross_entropy'
          ? `a class index in 0..${k - 1}`
          : loss === 'sigmoid_cross_entropy'
            ? '0 or 1'
            : loss === 'cox'
              ? '+time (event) or -time (censored), time > 0 (docs/survival.md)'
              : 'finite';
      throw new MedfedError(ErrorCodes.DATA_INVALID, `label ${i} is ${v}; ${loss} needs ${want}`, { where: `data.y[${i}]` });
    }
  }
}
