import { escapeHtml } from './escape-html.js';
import type { MetricsRecord } from './metrics-schema.js';

/** A metric for a table cell: 3 decimals, or an em dash whose tooltip says why it is undefined. */
export function metricCell(metrics: MetricsRecord | undefined, name: string, digits = 3): string {
  const value = metrics?.[name];
  if (typeof value === 'number') {
    const interval = metrics?.intervals?.[name];
    const ci =
      interval && interval.lower !== null && interval.upper !== null
        ? `<span class="ci">${interval.lower.toFixed(digits)}–${interval.upper.toFixed(digits)}</span>`
        : '';
    return `<td class="num">${value.toFixed(digits)}${ci}</td>`;
  }
  const reason = metrics?.undefinedReasons?.[name] ?? 'not computed';
  return `<td class="num na" title="${escapeHtml(reason)}">—</td>`;
}

export function formatInt(n: number): string {
  return n.toLocaleString('en-US');
}

export function formatPercent(fraction: number, digits = 1): string {
  return `${(fraction * 100).toFixed(digits)}%`;
}

export const metricLabels: Record<string, string> = {
  auroc: 'AUROC',
  auprc: 'AUPRC',
  accuracy: 'Accuracy',
  balancedAccuracy: 'Balanced accuracy',
  sensitivity: 'Sensitivity',
  specificity: 'Specificity',
  f1: 'F1',
  brier: 'Brier',
  ece: 'ECE',
  loss: 'Loss',
  rmse: 'RMSE',
  mae: 'MAE',
  r2: 'R²',
  cIndex: 'C-index',
  dice: 'Dice',
  voxelAccuracy: 'Voxel accuracy',
};

export function metricLabel(name: string): string {
  const structure = /^dice_(\d+)$/.exec(name);
  if (structure) return `Dice (class ${structure[1]})`;
  return metricLabels[name] ?? name;
}
