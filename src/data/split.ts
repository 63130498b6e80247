import { ErrorCodes, MedfedError } from '../core/errors.js';
import { deriveSeed, Rng } from '../core/random.js';

export interface TrainTestSplit {
  /** Positions (into the labels given) of the training rows, increasing. */
  readonly train: number[];
  readonly test: number[];
}

export interface SplitOptions {
  /** Share of each class that goes to the test set, in (0, 1). */
  readonly testFraction: number;
  readonly seed: number;
}

/**
 * Stratified, seeded train/test split: each class's rows are shuffled and round(n_c × testFraction)
 * of them go to the test set, keeping at least one row of a class with two or more rows on each
 * side. Call it once per site (with a per-site seed, e.g. deriveSeed(seed, siteId)).
 */
export function stratifiedSplit(labels: ArrayLike<number>, options: SplitOptions): TrainTestSplit {
  const { testFraction, seed } = options;
  if (!(testFraction > 0 && testFraction < 1)) {
    throw new MedfedError(ErrorCodes.CONFIG_INVALID, `testFraction must be in (0, 1), got ${testFraction}`, { where: 'split.testFraction' });
  }
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < labels.length; i++) {
    const list = byClass.get(labels[i]);
    if (list) list.push(i);
    else byClass.set(labels[i], [i]);
  }
  const rng = new Rng(deriveSeed(seed, 'stratified-split'));
  const train: number[] = [];
  const test: number[] = [];
  for (const c of [...byClass.keys()].sort((a, b) => a - b)) {
    const rows = rng.shuffle([...byClass.get(c)!]) as number[];
    let nTest = Math.round(rows.length * testFraction);
    if (rows.length >= 2) nTest = Math.min(rows.length - 1, Math.max(1, nTest));
    test.push(...rows.slice(0, nTest));
    train.push(...rows.slice(nTest));
  }
  return { train: train.sort((a, b) => a - b), test: test.sort((a, b) => a - b) };
}
