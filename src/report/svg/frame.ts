import { escapeHtml } from '../escape-html.js';

/** Outer box of a chart and the plot area inside its margins. */
export interface ChartFrame {
  readonly width: number;
  readonly height: number;
  readonly left: number;
  readonly right: number;
  readonly top: number;
  readonly bottom: number;
}

export function plotFrame(width: number, height: number, margin: { top: number; right: number; bottom: number; left: number }): ChartFrame {
  return { width, height, left: margin.left, right: width - margin.right, top: margin.top, bottom: height - margin.bottom };
}

/** The inline <svg> element (HTML5 needs no xmlns, so the page has no URL at all): scales to its container, keeps its aspect ratio, titled for screen readers. */
export function svgDocument(frame: ChartFrame, title: string, body: string): string {
  return (
    `<svg class="chart" viewBox="0 0 ${frame.width} ${frame.height}" ` +
    `width="${frame.width}" height="${frame.height}" role="img" aria-label="${escapeHtml(title)}">` +
    `<title>${escapeHtml(title)}</title>` +
    `<text class="chart-title" x="${frame.left}" y="18">${escapeHtml(title)}</text>` +
    body +
    `</svg>`
  );
}
