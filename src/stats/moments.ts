/** Count, mean and M2 (sum of squared deviations from the mean) of a set of values. */
export interface Moments {
  count: number;
  mean: number;
  m2: number;
}

/**
 * Chan, Golub and LeVeque's pairwise update: the moments of the union of two disjoint sets from
 * the moments of each, without sums of squares (no cancellation). Updates `into` in place.
 */
export function mergeMoments(into: Moments, other: Readonly<Moments>): void {
  const n = into.count + other.count;
  if (n === 0) return;
  const delta = other.mean - into.mean;
  into.mean += (delta * other.count) / n;
  into.m2 += other.m2 + (delta * delta * into.count * other.count) / n;
  into.count = n;
}
