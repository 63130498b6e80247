import type { UniformSource } from './secure-random.js';

/**
 * Standard Laplace draws (scale 1, density exp(-|x|) / 2) by inversion of 53-bit uniforms:
 * u in (-1/2, 1/2], x = -sign(u) ln(1 - 2|u|). 1 - 2|u| lies in [0, 1]; the draw at 0 (probability
 * 2^-53) is redrawn so that every value is finite.
 */
export function laplaceSource(uniform: UniformSource): () => number {
  return () => {
    for (;;) {
      const u = uniform() - 0.5;
      const r = 1 - 2 * Math.abs(u);
      if (r > 0) return u < 0 ? Math.log(r) : -Math.log(r);
    }
  };
}
