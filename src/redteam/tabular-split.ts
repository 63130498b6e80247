import { subset, type Dataset } from '../core/dataset.js';
import { stratifiedSplit } from '../data/split.js';

/**
 * A stratified train/test split of a tabular dataset with every feature z-scored by the training
 * rows' mean and standard deviation (constant columns are left centred). The red team's
 * simulated federation is a lab set-up, so pooled statistics are fine here.
 */
export function standardizedSplit(d: Dataset, testFraction: number, seed: number): { train: Dataset; test: Dataset } {
  const split = stratifiedSplit(d.y, { testFraction, seed });
  const train = subset(d, split.train);
  const test = subset(d, split.test);
  const width = d.x.length / Math.max(1, d.n);
  for (let f = 0; f < width; f++) {
    let s = 0, ss = 0;
    for (let i = 0; i < train.n; i++) s += train.x[i * width + f];
    const mean = s / train.n;
    for (let i = 0; i < train.n; i++) ss += (train.x[i * width + f] - mean) ** 2;
    const sd = Math.sqrt(ss / Math.max(1, train.n - 1)) || 1;
    for (const part of [train, test]) for (let i = 0; i < part.n; i++) part.x[i * width + f] = (part.x[i * width + f] - mean) / sd;
  }
  return { train, test };
}
