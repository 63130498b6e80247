/** Independent, slow reference implementations used by the eval tests. */

/** AUROC by counting every positive/negative pair (ties count 1/2). */
export function aurocByPairs(scores: ArrayLike<number>, labels: ArrayLike<number>): number | null {
  let wins = 0;
  let pairs = 0;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] !== 1) continue;
    for (let j = 0; j < labels.length; j++) {
      if (labels[j] !== 0) continue;
      pairs++;
      if (scores[i] > scores[j]) wins += 1;
      else if (scores[i] === scores[j]) wins += 0.5;
    }
  }
  return pairs === 0 ? null : wins / pairs;
}

/** Average precision by an explicit sweep over each distinct threshold, counting from scratch. */
export function averagePrecisionBySweep(scores: ArrayLike<number>, labels: ArrayLike<number>): number | null {
  const thresholds = [...new Set(Array.from(scores))].sort((a, b) => b - a);
  const positives = Array.from(labels).filter((y) => y === 1).length;
  if (positives === 0) return null;
  let ap = 0;
  let previousRecall = 0;
  for (const t of thresholds) {
    let tp = 0;
    let predicted = 0;
    for (let i = 0; i < labels.length; i++) {
      if (scores[i] >= t) {
        predicted++;
        if (labels[i] === 1) tp++;
      }
    }
    const recall = tp / positives;
    ap += (recall - previousRecall) * (tp / predicted);
    previousRecall = recall;
  }
  return ap;
}

export function close(actual: number | null, expected: number | null, tol = 1e-9): boolean {
  if (actual === null || expected === null) return actual === expected;
  return Math.abs(actual - expected) <= tol;
}
