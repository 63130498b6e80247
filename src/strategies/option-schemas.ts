import { z } from 'zod';

/**
 * Number schemas for strategy options whose messages read the way a user fixes them:
 * `strategies[1].options.mu: expected number >= 0`.
 */
export interface NumberBounds {
  /** Inclusive lower bound. */
  readonly min?: number;
  /** Exclusive lower bound. */
  readonly gt?: number;
  /** Inclusive upper bound. */
  readonly max?: number;
  /** Exclusive upper bound. */
  readonly lt?: number;
}

export function boundedNumber(bounds: NumberBounds) {
  let s = z.number({ error: (issue) => `expected a finite number, got ${describeValue(issue.input)}` });
  if (bounds.min !== undefined) s = s.min(bounds.min, { error: `expected number >= ${bounds.min}` });
  if (bounds.gt !== undefined) s = s.gt(bounds.gt, { error: `expected number > ${bounds.gt}` });
  if (bounds.max !== undefined) s = s.max(bounds.max, { error: `expected number <= ${bounds.max}` });
  if (bounds.lt !== undefined) s = s.lt(bounds.lt, { error: `expected number < ${bounds.lt}` });
  return s;
}

/** A number in bounds with a default when the option is left out. */
export function numberOption(defaultValue: number, bounds: NumberBounds) {
  return boundedNumber(bounds).default(defaultValue);
}

/** One of a fixed set of strings, with a default. */
export function choiceOption<const T extends readonly [string, ...string[]]>(choices: T, defaultValue: T[number]) {
  return z
    .enum(choices, { error: (issue) => `expected one of ${choices.map((c) => `"${c}"`).join(', ')}, got ${describeValue(issue.input)}` })
    .default(defaultValue);
}

function describeValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === null || v === undefined || typeof v === 'number' || typeof v === 'boolean') return String(v);
  return Array.isArray(v) ? 'an array' : typeof v;
}
