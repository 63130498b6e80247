import { auroc } from '../../eval/auroc.js';

export interface MembershipScores {
  /** AUROC of "member" vs "non-member" from the score (higher score = member). */
  readonly auc: number;
  /** True-positive rate at the threshold that flags at most `fpr` of the non-members. */
  readonly tprAtFpr: number;
  readonly fpr: number;
  /** Balanced accuracy of the best single threshold (Yeom et al.'s membership advantage is 2 x this - 1). */
  readonly bestAccuracy: number;
}

/**
 * Score-threshold membership inference (Yeom et al. 2018: score = -loss, members have lower
 * loss). TPR at low FPR is the metric Carlini et al. (2022) recommend: the threshold is the
 * smallest score above all but floor(fpr * n_out) non-member scores (strictly greater counts
 * as flagged), so the realised FPR never exceeds `fpr`.
 */
export function membershipMetrics(memberScores: readonly number[], nonMemberScores: readonly number[], fpr = 0.01): MembershipScores {
  const scores = [...memberScores, ...nonMemberScores];
  const labels = [...memberScores.map(() => 1), ...nonMemberScores.map(() => 0)];
  const auc = auroc(scores, labels) ?? 0.5;
  const out = [...nonMemberScores].sort((a, b) => b - a);
  const allowed = Math.floor(fpr * out.length);
  const threshold = out[allowed] ?? -Infinity;
  const tprAtFpr = memberScores.filter((s) => s > threshold).length / Math.max(1, memberScores.length);
  let bestAccuracy = 0.5;
  for (const t of scores) {
    const tpr = memberScores.filter((s) => s >= t).length / memberScores.length;
    const tnr = nonMemberScores.filter((s) => s < t).length / nonMemberScores.length;
    bestAccuracy = Math.max(bestAccuracy, (tpr + tnr) / 2);
  }
  return { auc, tprAtFpr, fpr, bestAccuracy };
}

/** -(cross-entropy loss) of each row: log of the probability the model gives its true class. */
export function negativeLosses(probabilities: Float32Array, labels: Float32Array, n: number): number[] {
  const k = probabilities.length / n;
  return Array.from({ length: n }, (_, i) => {
    const p = k === 1 ? (labels[i] === 1 ? probabilities[i] : 1 - probabilities[i]) : probabilities[i * k + labels[i]];
    return Math.log(Math.max(p, 1e-12));
  });
}
