/** L2 norm over several tensors taken as one vector (accumulated in float64). */
export function l2Norm(tensors: readonly ArrayLike<number>[]): number {
  let s = 0;
  for (const t of tensors) {
    for (let i = 0; i < t.length; i++) s += t[i] * t[i];
  }
  return Math.sqrt(s);
}

/** The factor min(1, C / norm) that clips a vector of L2 norm `norm` to at most C (1 for a zero vector). */
export function clipFactor(norm: number, clipNorm: number): number {
  return norm > clipNorm ? clipNorm / norm : 1;
}

/**
 * Scales the tensors (one vector) in place so their joint L2 norm is at most `clipNorm`;
 * returns the norm before clipping and whether the vector was left unclipped (norm <= C).
 */
export function clipInPlace(tensors: readonly (Float32Array | Float64Array)[], clipNorm: number): { norm: number; unclipped: boolean } {
  const norm = l2Norm(tensors);
  const f = clipFactor(norm, clipNorm);
  if (f < 1) {
    for (const t of tensors) for (let i = 0; i < t.length; i++) t[i] *= f;
  }
  return { norm, unclipped: f === 1 };
}
