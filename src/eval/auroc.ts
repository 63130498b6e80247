import { countBinary, orderByScore } from './ranking.js';

/**
 * Area under the ROC curve from scores and 0/1 labels, by the Mann-Whitney U statistic:
 * the probability that a random positive scores above a random negative, ties counting 1/2
 * (average ranks). Equals scikit-learn's roc_auc_score. O(n log n).
 * Returns null when only one class is present (the AUROC is undefined).
 */
export function auroc(scores: ArrayLike<number>, labels: ArrayLike<number>): number | null {
  const { positives, negatives } = countBinary(labels);
  if (positives === 0 || negatives === 0) return null;
  const order = orderByScore(scores);
  let positiveRankSum = 0;
  let i = 0;
  while (i < order.length) {
    let j = i;
    while (j + 1 < order.length && scores[order[j + 1]] === scores[order[i]]) j++;
    // Ranks i+1..j+1 (1-based) share their mean.
    const meanRank = (i + j + 2) / 2;
    for (let k = i; k <= j; k++) if (labels[order[k]] === 1) positiveRankSum += meanRank;
    i = j + 1;
  }
  const u = positiveRankSum - (positives * (positives + 1)) / 2;
  return u / (positives * negatives);
}
