/** Binary Brier score: mean of (P(y=1) - y)^2; 0 is perfect, 0.25 is a constant 0.5. */
export function brierBinary(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < labels.length; i++) {
    const d = scores[i] - labels[i];
    sum += d * d;
  }
  return sum / labels.length;
}

/**
 * Multi-class Brier score (Brier's original definition): mean over rows of
 * sum_c (p_c - 1[y = c])^2, range 0..2. For two classes it is twice the binary score.
 * `probabilities` is row-major n x numClasses.
 */
export function brierMulticlass(probabilities: ArrayLike<number>, labels: ArrayLike<number>, numClasses: number): number {
  let sum = 0;
  for (let i = 0; i < labels.length; i++) {
    for (let c = 0; c < numClasses; c++) {
      const d = probabilities[i * numClasses + c] - (labels[i] === c ? 1 : 0);
      sum += d * d;
    }
  }
  return sum / labels.length;
}
