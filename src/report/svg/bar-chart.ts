import { escapeHtml } from '../escape-html.js';
import { renderCategoryAxis, renderYAxis } from './axes.js';
import { plotFrame, svgDocument } from './frame.js';
import { legendHeight, renderLegend, type LegendItem } from './legend.js';
import { colorAt } from './palette.js';
import { linearScale, niceDomain, niceTicks, tickFormatter } from './scale.js';

/** One category on the x axis (e.g. a site) with one value per series (null: undefined there). */
export interface BarGroup {
  readonly label: string;
  readonly values: readonly (number | null)[];
  /** Optional interval per value (e.g. bootstrap 95%), drawn as a whisker over the bar. */
  readonly intervals?: readonly ({ readonly lower: number; readonly upper: number } | null)[];
}

export interface BarChartOptions {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  /** Names of the bars within each group (e.g. runs), in order. */
  readonly seriesLabels: readonly string[];
  /** Palette index per series (default: series index), to match colours across charts. */
  readonly styleIndices?: readonly number[];
  readonly groups: readonly BarGroup[];
  readonly width?: number;
  readonly height?: number;
  readonly yDomain?: [number, number];
  readonly yClamp?: [number, number];
}

const fmt = (v: number) => v.toFixed(1);
const clampTo = (v: number, [lo, hi]: readonly [number, number]) => Math.max(lo, Math.min(hi, v));

/** An interval whisker: a vertical line with caps at both ends. */
function whisker(x: number, y0: number, y1: number, cap: number, tip: string): string {
  const d = `M${fmt(x)},${fmt(y0)}V${fmt(y1)}M${fmt(x - cap)},${fmt(y0)}H${fmt(x + cap)}M${fmt(x - cap)},${fmt(y1)}H${fmt(x + cap)}`;
  return `<path class="whisker" d="${d}" stroke="#1b1f24" stroke-width="1.3" fill="none"><title>${escapeHtml(tip)}</title></path>`;
}

/** A grouped bar chart; undefined values show "n/a" at the base. Hover a bar for its value. */
export function renderBarChart(o: BarChartOptions): string {
  const width = o.width ?? 960;
  const colorOf = (s: number) => colorAt(o.styleIndices?.[s] ?? s);
  const items: LegendItem[] = o.seriesLabels.map((label, i) => ({ label, color: colorOf(i), swatch: true }));
  const legendTop = 40;
  const lh = legendHeight(items, width - 80);
  const frame = plotFrame(width, (o.height ?? 320) + lh, { top: legendTop + lh + 4, right: 24, bottom: 52, left: 70 });
  const values = o.groups.flatMap((g) => g.values.filter((v): v is number => v !== null));
  const yDomain = o.yDomain ?? niceDomain(values, { clamp: o.yClamp, pad: 0.1 });
  const y = linearScale(yDomain, [frame.bottom, frame.top]);
  const yTicks = niceTicks(yDomain[0], yDomain[1], 5);
  const band = (frame.right - frame.left) / Math.max(1, o.groups.length);
  const inner = band * 0.8;
  const barWidth = inner / Math.max(1, o.seriesLabels.length);
  const centers = o.groups.map((_, g) => frame.left + band * (g + 0.5));

  const body: string[] = [renderYAxis(frame, { scale: y, ticks: yTicks, format: tickFormatter(yTicks), label: o.yLabel })];
  o.groups.forEach((group, g) => {
    const start = centers[g] - inner / 2;
    group.values.forEach((v, s) => {
      const bx = start + s * barWidth;
      const ci = group.intervals?.[s];
      const tip = `${group.label} · ${o.seriesLabels[s]}: ${v === null ? 'undefined' : v.toFixed(3)}${ci && v !== null ? ` (95% CI ${ci.lower.toFixed(3)}–${ci.upper.toFixed(3)})` : ''}`;
      if (v === null) {
        body.push(
          `<text class="na" x="${fmt(bx + barWidth / 2)}" y="${fmt(frame.bottom - 4)}" text-anchor="middle">n/a<title>${escapeHtml(tip)}</title></text>`,
        );
        return;
      }
      const top = y(Math.max(yDomain[0], Math.min(yDomain[1], v)));
      body.push(
        `<rect x="${fmt(bx + 1)}" y="${fmt(top)}" width="${fmt(Math.max(1, barWidth - 2))}" height="${fmt(frame.bottom - top)}" fill="${colorOf(s)}">` +
          `<title>${escapeHtml(tip)}</title></rect>`,
      );
      if (ci) body.push(whisker(bx + barWidth / 2, y(clampTo(ci.lower, yDomain)), y(clampTo(ci.upper, yDomain)), Math.min(8, barWidth / 3), tip));
    });
  });
  body.push(renderCategoryAxis(frame, centers, o.groups.map((g) => g.label), o.xLabel));
  body.push(renderLegend(items, frame.left, legendTop, width - 80));
  return svgDocument(frame, o.title, body.join(''));
}
