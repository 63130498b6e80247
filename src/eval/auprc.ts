import { countBinary, orderByScore } from './ranking.js';

/**
 * Area under the precision-recall curve as average precision, step-wise as scikit-learn's
 * average_precision_score: AP = sum over distinct thresholds t (descending) of
 * (R(t) - R(previous t)) * P(t), where examples with score >= t are predicted positive, so tied
 * scores enter together. No interpolation. Returns null when there are no positives (recall is
 * undefined); with positives but no negatives it is 1.
 */
export function auprc(scores: ArrayLike<number>, labels: ArrayLike<number>): number | null {
  const { positives } = countBinary(labels);
  if (positives === 0) return null;
  const order = orderByScore(scores, true);
  let truePositives = 0;
  let predicted = 0;
  let previousRecall = 0;
  let ap = 0;
  let i = 0;
  while (i < order.length) {
    const score = scores[order[i]];
    while (i < order.length && scores[order[i]] === score) {
      if (labels[order[i]] === 1) truePositives++;
      predicted++;
      i++;
    }
    const recall = truePositives / positives;
    ap += (recall - previousRecall) * (truePositives / predicted);
    previousRecall = recall;
  }
  return ap;
}
