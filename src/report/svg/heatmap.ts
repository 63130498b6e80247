import { escapeHtml } from '../escape-html.js';
import { plotFrame, svgDocument } from './frame.js';
import { linearScale, niceTicks, tickFormatter } from './scale.js';

export interface HeatmapOptions {
  readonly title: string;
  /** Title of the row axis (left), e.g. "Evaluated model". */
  readonly rowTitle: string;
  /** Title of the column axis (bottom), e.g. "Test split of site". */
  readonly columnTitle: string;
  readonly rowLabels: readonly string[];
  readonly columnLabels: readonly string[];
  /** values[row][column]; null: undefined there (drawn grey, "n/a"). */
  readonly values: readonly (readonly (number | null)[])[];
  /** Name of the value in tooltips and on the colour scale, e.g. "AUROC". */
  readonly valueLabel: string;
  /** Lower is better (e.g. RMSE): the colour scale is reversed so the bright end is always "better". */
  readonly lowerIsBetter?: boolean;
  /** Cells to outline, e.g. a site's own model on its own split. */
  readonly highlight?: (row: number, column: number) => boolean;
  /** Colour scale domain; default: the data's range. */
  readonly domain?: [number, number];
  readonly digits?: number;
  readonly width?: number;
}

/** Viridis (perceptually uniform, readable with colour-vision deficiencies and in greyscale), dark to bright. */
const viridis = ['#440154', '#482878', '#3e4989', '#31688e', '#26828e', '#1f9e89', '#35b779', '#6ece58', '#b5de2b', '#fde725'] as const;

function hexToRgb(h: string): [number, number, number] {
  return [parseInt(h.slice(1, 3), 16), parseInt(h.slice(3, 5), 16), parseInt(h.slice(5, 7), 16)];
}

/** Colour at t in [0, 1] along viridis (linear in RGB between the stops). */
export function viridisAt(t: number): string {
  const x = Math.max(0, Math.min(1, Number.isFinite(t) ? t : 0)) * (viridis.length - 1);
  const i = Math.min(viridis.length - 2, Math.floor(x));
  const a = hexToRgb(viridis[i]);
  const b = hexToRgb(viridis[i + 1]);
  const f = x - i;
  const c = a.map((v, k) => Math.round(v + (b[k] - v) * f));
  return `#${c.map((v) => v.toString(16).padStart(2, '0')).join('')}`;
}

/** Dark text on the bright end of the scale, white on the dark end. */
function textOn(t: number): string {
  return t > 0.55 ? '#1b1f24' : '#ffffff';
}

const CHAR_WIDTH = 6.6;
const f = (v: number) => v.toFixed(1);

/**
 * A heatmap of a matrix with the value written in each cell, row and column labels, axis titles and
 * a colour-scale legend (stepped, so the SVG needs no gradient ids and several can share a page).
 * Each cell is a `<g class="cell">` with its value in a tooltip.
 */
export function renderHeatmap(o: HeatmapOptions): string {
  const width = o.width ?? 960;
  const digits = o.digits ?? 3;
  const nRows = o.rowLabels.length;
  const nCols = o.columnLabels.length;
  const finite = o.values.flat().filter((v): v is number => v !== null && Number.isFinite(v));
  let [lo, hi] = o.domain ?? (finite.length > 0 ? [Math.min(...finite), Math.max(...finite)] : [0, 1]);
  if (lo === hi) [lo, hi] = [lo - 0.05, hi + 0.05];
  const toT = (v: number) => {
    const t = (v - lo) / (hi - lo);
    return o.lowerIsBetter ? 1 - t : t;
  };
  const rowLabelWidth = Math.min(300, Math.max(60, ...o.rowLabels.map((l) => l.length * CHAR_WIDTH))) + 12;
  const legendWidth = 110;
  const left = 40 + rowLabelWidth;
  const cellW = Math.max(48, Math.min(120, (width - left - legendWidth - 20) / Math.max(1, nCols)));
  const cellH = 34;
  const top = 40;
  const frame = plotFrame(width, top + nRows * cellH + 64, { top, right: width - (left + nCols * cellW), bottom: 64, left });
  const body: string[] = [];
  o.values.forEach((row, r) => {
    const y = top + r * cellH;
    body.push(
      `<text class="tick" x="${f(left - 8)}" y="${f(y + cellH / 2)}" text-anchor="end" dominant-baseline="middle">${escapeHtml(o.rowLabels[r])}</text>`,
    );
    row.forEach((v, c) => {
      const x = left + c * cellW;
      const tip = `${o.rowLabels[r]} on ${o.columnLabels[c]}: ${o.valueLabel} ${v === null ? 'undefined' : v.toFixed(digits)}`;
      const outline = o.highlight?.(r, c) ? ` stroke="#1b1f24" stroke-width="2.5"` : ` stroke="#ffffff" stroke-width="1"`;
      if (v === null || !Number.isFinite(v)) {
        body.push(
          `<g class="cell"><rect x="${f(x)}" y="${f(y)}" width="${f(cellW)}" height="${cellH}" fill="#e8ebef"${outline}/>` +
            `<text class="na" x="${f(x + cellW / 2)}" y="${f(y + cellH / 2)}" text-anchor="middle" dominant-baseline="middle">n/a</text>` +
            `<title>${escapeHtml(tip)}</title></g>`,
        );
        return;
      }
      const t = toT(v);
      body.push(
        `<g class="cell"><rect x="${f(x)}" y="${f(y)}" width="${f(cellW)}" height="${cellH}" fill="${viridisAt(t)}"${outline}/>` +
          `<text x="${f(x + cellW / 2)}" y="${f(y + cellH / 2)}" text-anchor="middle" dominant-baseline="middle" font-size="12.5" fill="${textOn(t)}">${v.toFixed(digits)}</text>` +
          `<title>${escapeHtml(tip)}</title></g>`,
      );
    });
  });
  const gridBottom = top + nRows * cellH;
  o.columnLabels.forEach((label, c) => {
    body.push(
      `<text class="tick" x="${f(left + (c + 0.5) * cellW)}" y="${f(gridBottom + 18)}" text-anchor="middle">${escapeHtml(label)}</text>`,
    );
  });
  body.push(
    `<text class="axis-title" x="${f(left + (nCols * cellW) / 2)}" y="${f(gridBottom + 40)}" text-anchor="middle">${escapeHtml(o.columnTitle)}</text>`,
    `<text class="axis-title" transform="translate(14,${f(top + (nRows * cellH) / 2)}) rotate(-90)" text-anchor="middle">${escapeHtml(o.rowTitle)}</text>`,
  );
  body.push(renderColourScale(left + nCols * cellW + 28, top, Math.max(cellH * 2, nRows * cellH), [lo, hi], o));
  return svgDocument(frame, o.title, body.join(''));
}

/** A vertical stepped colour bar with ticks; the "better" end is at the top. */
function renderColourScale(x: number, top: number, height: number, [lo, hi]: [number, number], o: HeatmapOptions): string {
  const steps = 32;
  const parts: string[] = [`<g class="colour-scale">`];
  const y = linearScale(o.lowerIsBetter ? [hi, lo] : [lo, hi], [top + height, top]);
  for (let i = 0; i < steps; i++) {
    const v0 = lo + ((hi - lo) * i) / steps;
    const v1 = lo + ((hi - lo) * (i + 1)) / steps;
    const y0 = y(v0);
    const y1 = y(v1);
    const t = ((v0 + v1) / 2 - lo) / (hi - lo);
    parts.push(
      `<rect x="${f(x)}" y="${f(Math.min(y0, y1))}" width="14" height="${f(Math.abs(y1 - y0) + 0.5)}" fill="${viridisAt(o.lowerIsBetter ? 1 - t : t)}"/>`,
    );
  }
  parts.push(`<rect x="${f(x)}" y="${top}" width="14" height="${f(height)}" fill="none" stroke="#6b7480" stroke-width="0.8"/>`);
  const ticks = niceTicks(lo, hi, 4);
  const fmt = tickFormatter(ticks);
  for (const t of ticks) {
    parts.push(
      `<line class="axis" x1="${f(x + 14)}" x2="${f(x + 18)}" y1="${f(y(t))}" y2="${f(y(t))}"/>` +
        `<text class="tick" x="${f(x + 21)}" y="${f(y(t))}" dominant-baseline="middle">${escapeHtml(fmt(t))}</text>`,
    );
  }
  parts.push(`<text class="axis-title" x="${f(x - 4)}" y="${top - 8}">${escapeHtml(o.valueLabel)}${o.lowerIsBetter ? ' (lower is better)' : ''}</text>`);
  parts.push('</g>');
  return parts.join('');
}
