import { escapeHtml } from '../escape-html.js';
import type { ChartFrame } from './frame.js';
import type { LinearScale } from './scale.js';

export interface AxisSpec {
  readonly scale: LinearScale;
  readonly ticks: readonly number[];
  readonly format: (v: number) => string;
  readonly label: string;
}

/** Horizontal grid lines, the y axis with tick labels, and the y axis title (rotated). */
export function renderYAxis(frame: ChartFrame, axis: AxisSpec): string {
  const parts = axis.ticks.map((t) => {
    const y = axis.scale(t).toFixed(1);
    return (
      `<line class="grid" x1="${frame.left}" x2="${frame.right}" y1="${y}" y2="${y}"/>` +
      `<text class="tick" x="${frame.left - 6}" y="${y}" text-anchor="end" dominant-baseline="middle">${escapeHtml(axis.format(t))}</text>`
    );
  });
  const midY = ((frame.top + frame.bottom) / 2).toFixed(1);
  parts.push(`<line class="axis" x1="${frame.left}" x2="${frame.left}" y1="${frame.top}" y2="${frame.bottom}"/>`);
  parts.push(
    `<text class="axis-title" transform="translate(${frame.left - 46},${midY}) rotate(-90)" text-anchor="middle">${escapeHtml(axis.label)}</text>`,
  );
  return parts.join('');
}

/** The x axis with numeric ticks and its title. */
export function renderXAxis(frame: ChartFrame, axis: AxisSpec): string {
  const parts = axis.ticks.map((t) => {
    const x = axis.scale(t).toFixed(1);
    return (
      `<line class="axis" x1="${x}" x2="${x}" y1="${frame.bottom}" y2="${frame.bottom + 5}"/>` +
      `<text class="tick" x="${x}" y="${frame.bottom + 18}" text-anchor="middle">${escapeHtml(axis.format(t))}</text>`
    );
  });
  parts.push(`<line class="axis" x1="${frame.left}" x2="${frame.right}" y1="${frame.bottom}" y2="${frame.bottom}"/>`);
  parts.push(axisTitleX(frame, axis.label));
  return parts.join('');
}

/** The x axis of a category chart: a label centred under each band. */
export function renderCategoryAxis(frame: ChartFrame, centers: readonly number[], labels: readonly string[], title: string): string {
  const parts = centers.map(
    (x, i) => `<text class="tick" x="${x.toFixed(1)}" y="${frame.bottom + 18}" text-anchor="middle">${escapeHtml(labels[i])}</text>`,
  );
  parts.push(`<line class="axis" x1="${frame.left}" x2="${frame.right}" y1="${frame.bottom}" y2="${frame.bottom}"/>`);
  parts.push(axisTitleX(frame, title));
  return parts.join('');
}

function axisTitleX(frame: ChartFrame, label: string): string {
  const midX = ((frame.left + frame.right) / 2).toFixed(1);
  return `<text class="axis-title" x="${midX}" y="${frame.bottom + 40}" text-anchor="middle">${escapeHtml(label)}</text>`;
}
