import { escapeHtml } from '../escape-html.js';
import { renderXAxis, renderYAxis } from './axes.js';
import { plotFrame, svgDocument } from './frame.js';
import { colorAt } from './palette.js';
import { linearScale, niceTicks, tickFormatter } from './scale.js';

export interface ReliabilityPoint {
  readonly meanPredicted: number;
  readonly observed: number;
  readonly count: number;
  /** The bin, e.g. [0.2, 0.3). */
  readonly lower: number;
  readonly upper: number;
}

export interface ReliabilityOptions {
  readonly title: string;
  readonly points: readonly ReliabilityPoint[];
  /** Palette index, so a run keeps its colour across charts. */
  readonly styleIndex?: number;
  /** Shown under the title, e.g. "ECE 0.041 · n 183". */
  readonly subtitle?: string;
  readonly size?: number;
}

const f = (v: number) => v.toFixed(1);

/**
 * A reliability diagram: mean predicted probability (x) against the observed frequency (y) per bin,
 * the dashed diagonal of perfect calibration, each bin a circle whose area is proportional to its
 * example count and labelled with the count.
 */
export function renderReliabilityDiagram(o: ReliabilityOptions): string {
  const size = o.size ?? 300;
  const frame = plotFrame(size + 40, size + 44, { top: 44, right: 16, bottom: 52, left: 64 });
  const x = linearScale([0, 1], [frame.left, frame.right]);
  const y = linearScale([0, 1], [frame.bottom, frame.top]);
  const ticks = niceTicks(0, 1, 5);
  const fmt = tickFormatter(ticks);
  const color = colorAt(o.styleIndex ?? 0);
  const body: string[] = [
    renderYAxis(frame, { scale: y, ticks, format: fmt, label: 'Observed frequency' }),
    renderXAxis(frame, { scale: x, ticks, format: fmt, label: 'Mean predicted probability' }),
    `<line class="diagonal" x1="${f(x(0))}" y1="${f(y(0))}" x2="${f(x(1))}" y2="${f(y(1))}" stroke="#999999" stroke-dasharray="3 3" stroke-width="1.5"><title>perfectly calibrated</title></line>`,
  ];
  if (o.subtitle) body.push(`<text class="tick" x="${frame.left}" y="34">${escapeHtml(o.subtitle)}</text>`);
  const pts = [...o.points].sort((a, b) => a.meanPredicted - b.meanPredicted);
  if (pts.length > 1) {
    body.push(`<path d="${pts.map((p, i) => `${i === 0 ? 'M' : 'L'}${f(x(p.meanPredicted))},${f(y(p.observed))}`).join('')}" fill="none" stroke="${color}" stroke-width="1.6" stroke-opacity="0.7"/>`);
  }
  const maxCount = Math.max(1, ...pts.map((p) => p.count));
  for (const p of pts) {
    const r = 2.5 + 9 * Math.sqrt(p.count / maxCount);
    const cx = x(p.meanPredicted);
    const cy = y(p.observed);
    const tip = `bin [${p.lower.toFixed(2)}, ${p.upper.toFixed(2)}]: mean predicted ${p.meanPredicted.toFixed(3)}, observed ${p.observed.toFixed(3)}, ${p.count} examples`;
    const labelRight = cx + r + 26 < frame.right;
    body.push(
      `<g class="bin"><circle cx="${f(cx)}" cy="${f(cy)}" r="${f(r)}" fill="${color}" fill-opacity="0.55" stroke="${color}" stroke-width="1.2"/>` +
        `<text class="legend" x="${f(labelRight ? cx + r + 3 : cx - r - 3)}" y="${f(cy - 2)}" text-anchor="${labelRight ? 'start' : 'end'}" font-size="10.5">${p.count}</text>` +
        `<title>${escapeHtml(tip)}</title></g>`,
    );
  }
  return svgDocument(frame, o.title, body.join(''));
}
