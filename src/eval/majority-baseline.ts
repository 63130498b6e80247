import type { Dataset } from '../core/dataset.js';

/** What always predicting the training set's most frequent class scores (the floor a classifier must beat). */
export interface MajorityBaseline {
  /** Class index predicted for every example. */
  readonly label: number;
  /** Share of the test examples in that class. */
  readonly accuracy: number;
  /** A constant score ranks nothing: AUROC 0.5. */
  readonly auroc: 0.5;
}

export function majorityBaseline(train: Dataset, test: Dataset): MajorityBaseline {
  const counts = new Map<number, number>();
  for (const y of train.y) counts.set(y, (counts.get(y) ?? 0) + 1);
  let label = 0;
  let best = -1;
  for (const [y, n] of [...counts].sort((a, b) => a[0] - b[0])) {
    if (n > best) {
      best = n;
      label = y;
    }
  }
  let hit = 0;
  for (const y of test.y) if (y === label) hit++;
  return { label, accuracy: test.n > 0 ? hit / test.n : 0, auroc: 0.5 };
}
