import { auroc } from './auroc.js';

/** Index of the largest probability in row i (first one on ties). */
export function argmaxRow(probabilities: ArrayLike<number>, i: number, numClasses: number): number {
  let best = 0;
  for (let c = 1; c < numClasses; c++) {
    if (probabilities[i * numClasses + c] > probabilities[i * numClasses + best]) best = c;
  }
  return best;
}

/** Column c of a row-major n x numClasses matrix. */
export function column(probabilities: ArrayLike<number>, n: number, numClasses: number, c: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = probabilities[i * numClasses + c];
  return out;
}

/** Recall of each class among the examples of that class; null for a class with no examples. */
export function perClassRecall(predicted: ArrayLike<number>, labels: ArrayLike<number>, numClasses: number): (number | null)[] {
  const hits = new Array<number>(numClasses).fill(0);
  const totals = new Array<number>(numClasses).fill(0);
  for (let i = 0; i < labels.length; i++) {
    totals[labels[i]]++;
    if (predicted[i] === labels[i]) hits[labels[i]]++;
  }
  return totals.map((t, c) => (t === 0 ? null : hits[c] / t));
}

/** Mean of the non-null values; null when there are none. */
export function meanDefined(values: readonly (number | null)[]): number | null {
  const defined = values.filter((v): v is number => v !== null);
  return defined.length === 0 ? null : defined.reduce((a, b) => a + b, 0) / defined.length;
}

/**
 * Macro one-vs-rest AUROC: the mean over the classes present in the labels of the AUROC of
 * column c against 1[y = c]. Classes absent from the labels are left out (their AUROC is
 * undefined); null when fewer than two classes are present.
 */
export function macroAurocOneVsRest(probabilities: ArrayLike<number>, labels: ArrayLike<number>, numClasses: number): number | null {
  const n = labels.length;
  const perClass: (number | null)[] = [];
  for (let c = 0; c < numClasses; c++) {
    const isClass = new Uint8Array(n);
    for (let i = 0; i < n; i++) isClass[i] = labels[i] === c ? 1 : 0;
    perClass.push(auroc(column(probabilities, n, numClasses, c), isClass));
  }
  return meanDefined(perClass);
}
