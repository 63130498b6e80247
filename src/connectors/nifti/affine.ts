import type { Affine } from './types.js';

/**
 * The qform matrix (NIfTI-1 header documentation, "METHOD 2"): rotation from the unit
 * quaternion (a, b, c, d) with a = sqrt(1 − b² − c² − d²), columns scaled by pixdim[1..3]
 * with the third also by qfac (pixdim[0], ±1; 0 is read as 1), translation qoffset.
 */
export function qformAffine(b: number, c: number, d: number, qfac: number, pixdim: number[], offset: number[]): Affine {
  let a = 1 - (b * b + c * c + d * d);
  if (a < 1e-7) {
    // b, c, d describe a 180° rotation (a ≈ 0): renormalise them.
    const n = Math.sqrt(b * b + c * c + d * d);
    b /= n;
    c /= n;
    d /= n;
    a = 0;
  } else a = Math.sqrt(a);
  const r = [
    [a * a + b * b - c * c - d * d, 2 * (b * c - a * d), 2 * (b * d + a * c)],
    [2 * (b * c + a * d), a * a + c * c - b * b - d * d, 2 * (c * d - a * b)],
    [2 * (b * d - a * c), 2 * (c * d + a * b), a * a + d * d - c * c - b * b],
  ];
  const scale = [pixdim[1], pixdim[2], (qfac < 0 ? -1 : 1) * pixdim[3]];
  const rows = r.map((row, i) => [row[0] * scale[0], row[1] * scale[1], row[2] * scale[2], offset[i]]);
  return [rows[0], rows[1], rows[2], [0, 0, 0, 1]];
}

/**
 * Axis codes (nibabel's aff2axcodes convention): for each voxel axis i, j, k the world axis
 * its affine column points along most, and the letter of the direction it points to
 * (R/L for x, A/P for y, S/I for z in NIfTI's RAS+ world). Each world axis is used once,
 * taking the largest remaining component first.
 */
export function orientationCode(affine: Affine): string {
  const letters = [['L', 'R'], ['P', 'A'], ['I', 'S']];
  const col = (j: number) => [affine[0][j], affine[1][j], affine[2][j]];
  const candidates: Array<{ axis: number; world: number; mag: number; sign: number }> = [];
  for (let axis = 0; axis < 3; axis++) {
    const v = col(axis);
    const norm = Math.hypot(v[0], v[1], v[2]) || 1;
    for (let w = 0; w < 3; w++) candidates.push({ axis, world: w, mag: Math.abs(v[w]) / norm, sign: Math.sign(v[w]) });
  }
  candidates.sort((p, q) => q.mag - p.mag);
  const code = ['?', '?', '?'];
  const usedWorld = new Set<number>();
  for (const c of candidates) {
    if (code[c.axis] !== '?' || usedWorld.has(c.world) || c.mag === 0) continue;
    code[c.axis] = letters[c.world][c.sign > 0 ? 1 : 0];
    usedWorld.add(c.world);
  }
  return code.join('');
}
