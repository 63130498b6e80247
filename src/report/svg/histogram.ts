import { escapeHtml } from '../escape-html.js';
import { renderXAxis, renderYAxis } from './axes.js';
import { plotFrame, svgDocument } from './frame.js';
import { legendHeight, renderLegend, type LegendItem } from './legend.js';
import { colorAt, dashPatterns } from './palette.js';
import { linearScale, niceDomain, niceTicks, tickFormatter } from './scale.js';

export interface HistogramChartOptions {
  readonly title: string;
  readonly xLabel: string;
  readonly edges: readonly number[];
  /** Filled bars (e.g. the global histogram). */
  readonly bars: { readonly label: string; readonly counts: readonly number[] };
  /** Outlined steps drawn over the bars (e.g. each site). */
  readonly steps?: readonly { readonly label: string; readonly counts: readonly number[] }[];
  /** Vertical marks (e.g. quartiles). */
  readonly marks?: readonly { readonly label: string; readonly value: number }[];
  readonly width?: number;
  readonly height?: number;
}

const f = (v: number) => v.toFixed(1);

/** A histogram on its bin edges: bars, optional step outlines and vertical marks. Hover a bar for its count. */
export function renderHistogram(o: HistogramChartOptions): string {
  const width = o.width ?? 720;
  const steps = o.steps ?? [];
  const items: LegendItem[] = [
    { label: o.bars.label, color: colorAt(0), swatch: true },
    ...steps.map((s, i) => ({ label: s.label, color: colorAt(i + 1) })),
  ];
  const legendTop = 34;
  const lh = legendHeight(items, width - 80);
  const frame = plotFrame(width, (o.height ?? 240) + lh, { top: legendTop + lh + 4, right: 20, bottom: 52, left: 70 });
  const edges = o.edges;
  const x = linearScale([edges[0], edges[edges.length - 1]], [frame.left, frame.right]);
  const all = [o.bars.counts, ...steps.map((s) => s.counts)].flat();
  const yDomain = niceDomain([0, ...all], { pad: 0.05, clamp: [0, Infinity] });
  const y = linearScale(yDomain, [frame.bottom, frame.top]);
  const yTicks = niceTicks(yDomain[0], yDomain[1], 4);
  const xTicks = niceTicks(edges[0], edges[edges.length - 1], 6);
  const body: string[] = [renderYAxis(frame, { scale: y, ticks: yTicks, format: tickFormatter(yTicks), label: 'count' })];
  o.bars.counts.forEach((c, i) => {
    const x0 = x(edges[i]);
    const x1 = x(edges[i + 1]);
    const top = y(Math.max(0, c));
    const tip = `[${edges[i]}, ${edges[i + 1]}${i === edges.length - 2 ? ']' : ')'}: ${Number.isInteger(c) ? c : c.toFixed(1)}`;
    body.push(
      `<rect x="${f(x0 + 0.5)}" y="${f(top)}" width="${f(Math.max(0.5, x1 - x0 - 1))}" height="${f(frame.bottom - top)}" fill="${colorAt(0)}" fill-opacity="0.55">` +
        `<title>${escapeHtml(tip)}</title></rect>`,
    );
  });
  steps.forEach((s, k) => {
    const d = s.counts.map((c, i) => `${i === 0 ? 'M' : 'L'}${f(x(edges[i]))},${f(y(Math.max(0, c)))}H${f(x(edges[i + 1]))}`).join('');
    body.push(`<path d="${d}" fill="none" stroke="${colorAt(k + 1)}" stroke-width="1.5"><title>${escapeHtml(s.label)}</title></path>`);
  });
  (o.marks ?? []).forEach((m, i) => {
    const mx = f(x(m.value));
    body.push(
      `<line x1="${mx}" x2="${mx}" y1="${frame.top}" y2="${frame.bottom}" stroke="#1b1f24" stroke-dasharray="${dashPatterns[i % dashPatterns.length]}"><title>${escapeHtml(`${m.label} ≈ ${m.value.toPrecision(4)}`)}</title></line>`,
    );
  });
  body.push(renderXAxis(frame, { scale: x, ticks: xTicks, format: tickFormatter(xTicks), label: o.xLabel }));
  body.push(renderLegend(items, frame.left, legendTop, width - 80));
  return svgDocument(frame, o.title, body.join(''));
}
