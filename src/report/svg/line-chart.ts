import { escapeHtml } from '../escape-html.js';
import { renderXAxis, renderYAxis } from './axes.js';
import { plotFrame, svgDocument } from './frame.js';
import { legendHeight, renderLegend, type LegendItem } from './legend.js';
import { colorAt, dashPatterns, marker, markerShapes } from './palette.js';
import { linearScale, niceDomain, niceTicks, tickFormatter } from './scale.js';

export interface LinePoint {
  readonly x: number;
  readonly y: number;
}

export interface LineSeries {
  readonly label: string;
  /** Points in x order; a gap (undefined metric) is simply a missing point. */
  readonly points: readonly LinePoint[];
  /** Palette index, so a run keeps its colour and marker across charts (default: series index). */
  readonly styleIndex?: number;
}

/** A horizontal line across the plot (e.g. the pooled baseline). */
export interface ReferenceLine {
  readonly label: string;
  readonly y: number;
}

export interface LineChartOptions {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly LineSeries[];
  readonly references?: readonly ReferenceLine[];
  readonly width?: number;
  readonly height?: number;
  /** Fixed domains; otherwise nice bounds around the data. */
  readonly xDomain?: [number, number];
  readonly yDomain?: [number, number];
  /** Clamp an automatic y domain (e.g. [0, 1] for probabilities). */
  readonly yClamp?: [number, number];
  /** Draw the y = x diagonal (calibration curves), labelled in the legend. */
  readonly diagonal?: string;
  readonly integerX?: boolean;
}

const fmt = (v: number) => v.toFixed(1);

function dataXDomain(xs: readonly number[]): [number, number] {
  if (xs.length === 0) return [0, 1];
  const lo = Math.min(...xs);
  const hi = Math.max(...xs);
  return lo === hi ? [lo - 1, hi + 1] : [lo, hi];
}

/** An SVG line chart: one coloured line with markers per series, dashed reference lines, legend on top. */
export function renderLineChart(o: LineChartOptions): string {
  const width = o.width ?? 960;
  const refs = o.references ?? [];
  const style = (s: LineSeries, i: number) => s.styleIndex ?? i;
  const seriesItems: LegendItem[] = o.series.map((s, i) => ({
    label: s.label,
    color: colorAt(style(s, i)),
    marker: markerShapes[style(s, i) % markerShapes.length],
  }));
  const refItems: LegendItem[] = refs.map((r, i) => ({ label: r.label, color: '#555555', dash: dashPatterns[i % dashPatterns.length] }));
  const diagItems: LegendItem[] = o.diagonal ? [{ label: o.diagonal, color: '#999999', dash: '3 3' }] : [];
  const legendItems = [...seriesItems, ...refItems, ...diagItems];
  const legendTop = 40;
  const lh = legendHeight(legendItems, width - 80);
  const frame = plotFrame(width, (o.height ?? 340) + lh, { top: legendTop + lh + 4, right: 24, bottom: 52, left: 70 });

  const xs = o.series.flatMap((s) => s.points.map((p) => p.x));
  const ys = [...o.series.flatMap((s) => s.points.map((p) => p.y)), ...refs.map((r) => r.y)];
  const xDomain = o.xDomain ?? dataXDomain(xs);
  const yDomain = o.yDomain ?? niceDomain(ys, { clamp: o.yClamp });
  const x = linearScale(xDomain, [frame.left, frame.right]);
  const y = linearScale(yDomain, [frame.bottom, frame.top]);
  let xTicks = niceTicks(xDomain[0], xDomain[1], o.integerX ? Math.min(12, Math.max(2, xDomain[1] - xDomain[0])) : 10);
  if (o.integerX) xTicks = xTicks.filter((t) => Number.isInteger(t));
  const yTicks = niceTicks(yDomain[0], yDomain[1], 5);

  const body: string[] = [
    renderYAxis(frame, { scale: y, ticks: yTicks, format: tickFormatter(yTicks), label: o.yLabel }),
    renderXAxis(frame, { scale: x, ticks: xTicks, format: o.integerX ? (v) => String(v) : tickFormatter(xTicks), label: o.xLabel }),
  ];
  if (o.diagonal) {
    body.push(`<line x1="${fmt(x(xDomain[0]))}" y1="${fmt(y(yDomain[0]))}" x2="${fmt(x(xDomain[1]))}" y2="${fmt(y(yDomain[1]))}" stroke="#999999" stroke-dasharray="3 3" stroke-width="1.5"/>`);
  }
  refs.forEach((r, i) => {
    const yy = fmt(y(r.y));
    body.push(
      `<line x1="${frame.left}" x2="${frame.right}" y1="${yy}" y2="${yy}" stroke="#555555" stroke-width="1.8" stroke-dasharray="${refItems[i].dash}">` +
        `<title>${escapeHtml(`${r.label}: ${r.y.toFixed(3)}`)}</title></line>`,
    );
  });
  o.series.forEach((s, i) => {
    const color = colorAt(style(s, i));
    const d = s.points.map((p, j) => `${j === 0 ? 'M' : 'L'}${fmt(x(p.x))},${fmt(y(p.y))}`).join('');
    if (s.points.length > 1) body.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="2.2" stroke-linejoin="round"/>`);
    const shape = markerShapes[style(s, i) % markerShapes.length];
    for (const p of s.points) {
      body.push(`<g>${marker(shape, x(p.x), y(p.y), color, 3.5)}<title>${escapeHtml(`${s.label}: ${p.x}, ${p.y.toFixed(3)}`)}</title></g>`);
    }
  });
  body.push(renderLegend(legendItems, frame.left, legendTop, width - 80));
  return svgDocument(frame, o.title, body.join(''));
}
