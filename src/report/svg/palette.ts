/**
 * Okabe-Ito colours (Okabe & Ito 2008), distinguishable with the common colour-vision
 * deficiencies. Yellow is left out (too light on white). Series also differ by marker shape, and
 * reference lines by dash pattern, so no chart relies on colour alone.
 */
export const palette = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000'] as const;

export const dashPatterns = ['6 4', '2 3', '10 3 2 3', '1 5'] as const;

export type MarkerShape = 'circle' | 'square' | 'triangle' | 'diamond';
export const markerShapes: readonly MarkerShape[] = ['circle', 'square', 'triangle', 'diamond'];

export function colorAt(i: number): string {
  return palette[i % palette.length];
}

/** SVG for a marker of `shape` centred at (x, y). */
export function marker(shape: MarkerShape, x: number, y: number, color: string, size = 4): string {
  const f = (v: number) => v.toFixed(1);
  switch (shape) {
    case 'circle':
      return `<circle cx="${f(x)}" cy="${f(y)}" r="${size}" fill="${color}"/>`;
    case 'square':
      return `<rect x="${f(x - size)}" y="${f(y - size)}" width="${2 * size}" height="${2 * size}" fill="${color}"/>`;
    case 'triangle':
      return `<path d="M${f(x)},${f(y - size - 1)}L${f(x + size + 1)},${f(y + size)}L${f(x - size - 1)},${f(y + size)}Z" fill="${color}"/>`;
    case 'diamond':
      return `<path d="M${f(x)},${f(y - size - 1)}L${f(x + size + 1)},${f(y)}L${f(x)},${f(y + size + 1)}L${f(x - size - 1)},${f(y)}Z" fill="${color}"/>`;
  }
}
