import { escapeHtml } from '../escape-html.js';
import { marker, type MarkerShape } from './palette.js';

export interface LegendItem {
  readonly label: string;
  readonly color: string;
  /** Line dash pattern (reference lines). */
  readonly dash?: string;
  readonly marker?: MarkerShape;
  /** A filled swatch instead of a line (bar charts). */
  readonly swatch?: boolean;
}

const CHAR_WIDTH = 6.6;
const ROW_HEIGHT = 18;

function itemWidth(item: LegendItem): number {
  return 34 + item.label.length * CHAR_WIDTH + 16;
}

/** Rows of legend items that fit in `width`. */
export function legendRows(items: readonly LegendItem[], width: number): LegendItem[][] {
  const rows: LegendItem[][] = [];
  let row: LegendItem[] = [];
  let used = 0;
  for (const item of items) {
    const w = itemWidth(item);
    if (row.length > 0 && used + w > width) {
      rows.push(row);
      row = [];
      used = 0;
    }
    row.push(item);
    used += w;
  }
  if (row.length > 0) rows.push(row);
  return rows;
}

/** Height the legend takes for `items` wrapped at `width`. */
export function legendHeight(items: readonly LegendItem[], width: number): number {
  return legendRows(items, width).length * ROW_HEIGHT;
}

/** A wrapping legend whose first row's baseline is at `y`. */
export function renderLegend(items: readonly LegendItem[], x: number, y: number, width: number): string {
  const parts: string[] = [];
  legendRows(items, width).forEach((row, r) => {
    let cx = x;
    const cy = y + r * ROW_HEIGHT;
    for (const item of row) {
      if (item.swatch) {
        parts.push(`<rect x="${cx}" y="${cy - 10}" width="24" height="12" fill="${item.color}"/>`);
      } else {
        const dash = item.dash ? ` stroke-dasharray="${item.dash}"` : '';
        parts.push(`<line x1="${cx}" x2="${cx + 24}" y1="${cy - 4}" y2="${cy - 4}" stroke="${item.color}" stroke-width="2.5"${dash}/>`);
        if (item.marker) parts.push(marker(item.marker, cx + 12, cy - 4, item.color, 3.5));
      }
      parts.push(`<text class="legend" x="${cx + 30}" y="${cy}">${escapeHtml(item.label)}</text>`);
      cx += itemWidth(item);
    }
  });
  return `<g class="legend">${parts.join('')}</g>`;
}
