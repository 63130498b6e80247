import { ErrorCodes, MedfedError } from '../../core/errors.js';
import { levelsOf, type ColumnSpec } from './schema.js';

const decimal = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * The number one (trimmed, non-missing) cell holds under its column's declared type:
 * numeric/integer → the value; binary and categorical → the level's index.
 * Anything that does not fit is DATA_INVALID at `where` (file:line:column).
 */
export function parseCell(text: string, column: ColumnSpec, where: string): number {
  const fail = (what: string, hint: string): never => {
    throw new MedfedError(ErrorCodes.DATA_INVALID, `column "${column.name}": ${what}`, { where, hint });
  };
  if (column.type === 'numeric' || column.type === 'integer') {
    if (!decimal.test(text)) {
      fail(`"${text}" is not a number (declared ${column.type})`, 'fix the value, or list it in missingTokens if it marks a missing value');
    }
    const v = Number(text);
    if (!Number.isFinite(v)) fail(`"${text}" is out of the floating-point range`, 'fix the value');
    if (column.type === 'integer' && !Number.isInteger(v)) {
      fail(`"${text}" is not an integer (declared integer)`, 'fix the value, or declare the column numeric');
    }
    if ((column.min !== undefined && v < column.min) || (column.max !== undefined && v > column.max)) {
      fail(
        `${text}${column.unit ? ` ${column.unit}` : ''} is outside the allowed range [${column.min ?? '-inf'}, ${column.max ?? 'inf'}]`,
        'check the value and its unit; widen min/max in the schema only if the value is plausible',
      );
    }
    return v;
  }
  const levels = levelsOf(column);
  const index = levels.indexOf(text);
  if (index < 0) {
    fail(
      `"${text}" is not a declared level (${levels.map((l) => `"${l}"`).join(', ')})`,
      'fix the value, or add the level to the column\'s levels in the schema',
    );
  }
  return index;
}
