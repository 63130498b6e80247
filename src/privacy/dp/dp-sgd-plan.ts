import { ErrorCodes, MedfedError } from '../../core/errors.js';

/**
 * How DP-SGD samples batches at a site with n training examples. Batches are Poisson samples:
 * in every step each example joins the batch independently with probability q, so batch sizes
 * vary around the expected size q n (and a batch may be empty). This is the sampling the
 * subsampled-Gaussian accountant assumes. One "epoch" is ceil(1 / q) steps, which visits n
 * examples in expectation.
 */
export interface DpSgdPlan {
  /** Poisson sampling rate per step. */
  readonly q: number;
  /** Expected batch size q n: the denominator of the noisy mean gradient. */
  readonly expectedBatchSize: number;
  readonly stepsPerEpoch: number;
  /** Steps in one train() call (one federated round): epochs x stepsPerEpoch. */
  readonly stepsPerRound: number;
}

function invalid(field: string, message: string): MedfedError {
  return new MedfedError(ErrorCodes.CONFIG_INVALID, message, {
    where: field,
    hint: 'DP-SGD needs a positive batch size, at least one training example and a sampling rate in (0, 1]',
  });
}

/** The plan for n examples, a batch size (expected batch, q = batchSize / n unless `samplingRate` is given) and epochs. */
export function dpSgdPlan(p: { n: number; batchSize: number; epochs: number; samplingRate?: number }): DpSgdPlan {
  if (!Number.isInteger(p.n) || p.n < 1) throw invalid('n', `DP-SGD needs at least one training example, got n = ${p.n}`);
  if (!Number.isInteger(p.epochs) || p.epochs < 0) throw invalid('epochs', `epochs must be an integer >= 0, got ${p.epochs}`);
  let q: number;
  if (p.samplingRate !== undefined) {
    if (!(p.samplingRate > 0 && p.samplingRate <= 1)) throw invalid('dpSgd.samplingRate', `dpSgd.samplingRate must be in (0, 1], got ${p.samplingRate}`);
    q = p.samplingRate;
  } else {
    if (!Number.isInteger(p.batchSize) || p.batchSize < 1) throw invalid('batchSize', `batchSize must be an integer >= 1, got ${p.batchSize}`);
    q = Math.min(1, p.batchSize / p.n);
  }
  const stepsPerEpoch = Math.ceil(1 / q - 1e-12);
  return { q, expectedBatchSize: q * p.n, stepsPerEpoch, stepsPerRound: p.epochs * stepsPerEpoch };
}
