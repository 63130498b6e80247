/** Indices 0..n-1 ordered by score (ascending, or descending with `descending`); stable. */
export function orderByScore(scores: ArrayLike<number>, descending = false): Int32Array {
  const order = new Int32Array(scores.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  const sign = descending ? -1 : 1;
  return order.sort((a, b) => sign * (scores[a] - scores[b]) || a - b);
}

/** Counts of positive (label 1) and negative (label 0) examples. */
export function countBinary(labels: ArrayLike<number>): { positives: number; negatives: number } {
  let positives = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i] === 1) positives++;
  return { positives, negatives: labels.length - positives };
}
