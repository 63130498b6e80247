import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ErrorCodes, MedfedError } from '../../core/errors.js';
import { formatZodIssues } from '../../core/zod-errors.js';

/**
 * The declared schema of a tabular data file (CSV). Isomorphic: the same schema validates a file
 * at a site process, in a worker thread or in a browser. Format and examples: docs/data.md.
 */
export const columnTypes = ['numeric', 'integer', 'categorical', 'binary'] as const;
export const missingPolicies = ['error', 'drop-row', 'impute-mean', 'impute-median', 'indicator'] as const;
export type ColumnType = (typeof columnTypes)[number];
export type MissingPolicy = (typeof missingPolicies)[number];

/** Levels may be written as numbers in YAML (`[1, 2, 3]`); they are matched as text. */
const level = z.union([z.string(), z.number()]).transform(String);

export const columnSchema = z.strictObject({
  name: z.string().min(1),
  type: z.enum(columnTypes),
  /** Unit of measure, UCUM where one exists ("mm[Hg]", "mg/dL", "/min"); documentation only. */
  unit: z.string().optional(),
  description: z.string().optional(),
  /** Inclusive allowed range (numeric and integer columns). */
  min: z.number().optional(),
  max: z.number().optional(),
  /** Categorical: the allowed values. Binary: [negative, positive] (default ["0", "1"]). */
  levels: z.array(level).optional(),
  /** Categorical features: one 0/1 column per level (default) or the level's index as one number. */
  encoding: z.enum(['one-hot', 'index']).optional(),
  /** What a missing value (one of the schema's missingTokens) does. */
  missing: z.enum(missingPolicies).default('error'),
});

/**
 * A survival label: `time` (numeric or integer column, e.g. days) and `event` (binary or
 * categorical column). `eventValue` lists the event column's levels that mean "the event
 * happened" (default for a binary column: its second level); every other level is censored.
 * Optional `start`: time = time - start (dates of entry and exit); `timeOffset` is added to
 * every time (e.g. 0.5 day so that same-day events have time > 0).
 */
export const survivalSchema = z.strictObject({
  time: z.string().min(1),
  event: z.string().min(1),
  eventValue: z.union([level, z.array(level).min(1)]).optional(),
  start: z.string().min(1).optional(),
  timeOffset: z.number().min(0).default(0),
});
export type SurvivalSpec = z.output<typeof survivalSchema>;

function checkSurvival(
  sv: SurvivalSpec,
  columns: readonly ColumnSpec[],
  site: string | undefined,
  issue: (message: string, key: string) => void,
): void {
  const col = (key: 'time' | 'event' | 'start') => {
    const name = sv[key];
    if (name === undefined) return undefined;
    const c = columns.find((x) => x.name === name);
    if (!c) issue(`${key} column "${name}" is not a declared column`, key);
    else if (c.missing !== 'error') issue(`the survival ${key} column "${name}" takes missing: error, not ${c.missing}`, key);
    if (name === site) issue(`the site column "${name}" cannot be the survival ${key}`, key);
    return c;
  };
  for (const key of ['time', 'start'] as const) {
    const c = col(key);
    if (c && c.type !== 'numeric' && c.type !== 'integer') issue(`the survival ${key} column "${c.name}" must be numeric or integer, not ${c.type}`, key);
  }
  const event = col('event');
  if (new Set([sv.time, sv.event, sv.start].filter((x) => x !== undefined)).size !== (sv.start === undefined ? 2 : 3)) {
    issue('time, event and start must be different columns', 'event');
  }
  if (!event) return;
  if (event.type !== 'binary' && event.type !== 'categorical') {
    issue(`the survival event column "${event.name}" must be binary or categorical, not ${event.type}`, 'event');
    return;
  }
  if (sv.eventValue === undefined) {
    if (event.type !== 'binary') issue(`a categorical event column "${event.name}" needs eventValue (the level(s) that mean the event happened)`, 'eventValue');
    return;
  }
  const levels = levelsOf(event);
  for (const v of eventValuesOf(sv, event)) {
    if (!levels.includes(v)) issue(`eventValue "${v}" is not a level of "${event.name}" (${levels.map((l) => `"${l}"`).join(', ')})`, 'eventValue');
  }
}

/** The event column's levels that mean "event" (binary default: the second level). */
export function eventValuesOf(sv: SurvivalSpec, event: ColumnSpec): readonly string[] {
  if (sv.eventValue === undefined) return [levelsOf(event)[1]];
  return Array.isArray(sv.eventValue) ? sv.eventValue : [sv.eventValue as string];
}

/** True for the columns that make the label (label column, or survival time/event/start); they are not features. */
export function isLabelColumn(schema: Pick<TabularSchema, 'label' | 'survival'>, name: string): boolean {
  if (schema.survival) return name === schema.survival.time || name === schema.survival.event || name === schema.survival.start;
  return name === schema.label;
}

const checkedSchema = z
  .strictObject({
    name: z.string().optional(),
    description: z.string().optional(),
    delimiter: z.string().length(1).default(','),
    missingTokens: z.array(z.string()).default(['', 'NA', '?']),
    columns: z.array(columnSchema).min(1),
    /** Name of the label column (binary or categorical); its levels become class indices. Omitted for a survival schema. */
    label: z.string().min(1).optional(),
    /** Survival label instead of `label`: (time, event) read as one float per row, +time for an event, -time censored (docs/survival.md). */
    survival: survivalSchema.optional(),
    /** Optional column naming the site (hospital) of each row; read as text, not a feature. */
    site: z.string().min(1).optional(),
    /** A row whose site value is missing: error (default) or drop-row (counted in the missing report). */
    siteMissing: z.enum(['error', 'drop-row']).default('error'),
  })
  .superRefine((s, ctx) => {
    const seen = new Set<string>();
    s.columns.forEach((c, i) => {
      const issue = (message: string, key?: string) =>
        ctx.addIssue({ code: 'custom', message, path: ['columns', i, ...(key ? [key] : [])] });
      if (seen.has(c.name)) issue(`column "${c.name}" is declared twice`, 'name');
      seen.add(c.name);
      const ranged = c.type === 'numeric' || c.type === 'integer';
      if (!ranged && (c.min !== undefined || c.max !== undefined)) issue(`min/max apply to numeric and integer columns only`);
      if (c.min !== undefined && c.max !== undefined && c.min > c.max) issue(`min ${c.min} is above max ${c.max}`, 'min');
      if (c.type === 'categorical' && (c.levels === undefined || c.levels.length < 2)) {
        issue('a categorical column needs at least 2 levels', 'levels');
      }
      if (c.type === 'binary' && c.levels !== undefined && c.levels.length !== 2) issue('a binary column has exactly 2 levels', 'levels');
      if (ranged && c.levels !== undefined) issue(`levels apply to categorical and binary columns only`, 'levels');
      if (c.levels && new Set(c.levels).size !== c.levels.length) issue('levels must be distinct', 'levels');
      if (c.encoding !== undefined && c.type !== 'categorical') issue('encoding applies to categorical columns only', 'encoding');
      const fills = c.missing !== 'error' && c.missing !== 'drop-row';
      if (fills && c.type === 'categorical') issue(`categorical columns take missing: error or drop-row, not ${c.missing}`, 'missing');
      if (c.name === s.label && c.type !== 'binary' && c.type !== 'categorical') {
        issue(`the label column must be binary or categorical, not ${c.type}`, 'type');
      }
      if (c.name === s.label && fills) issue(`the label column takes missing: error or drop-row, not ${c.missing}`, 'missing');
      if (c.name === s.site) issue(`the site column "${c.name}" is not a feature: name it in "site" only`, 'name');
    });
    if (s.label === undefined && s.survival === undefined) ctx.addIssue({ code: 'custom', message: 'declare a label column or a survival label', path: ['label'] });
    if (s.label !== undefined && s.survival !== undefined) ctx.addIssue({ code: 'custom', message: 'declare either label or survival, not both', path: ['survival'] });
    if (s.label !== undefined && !seen.has(s.label)) ctx.addIssue({ code: 'custom', message: `label "${s.label}" is not a declared column`, path: ['label'] });
    if (s.survival) checkSurvival(s.survival, s.columns, s.site, (message, key) => ctx.addIssue({ code: 'custom', message, path: ['survival', key] }));
    if (s.columns.filter((c) => !isLabelColumn(s, c.name)).length < 1) {
      ctx.addIssue({ code: 'custom', message: 'declare at least one feature besides the label', path: ['columns'] });
    }
  });

export type ColumnSpec = z.output<typeof columnSchema>;
export type TabularSchema = z.output<typeof checkedSchema>;
export type TabularSchemaInput = z.input<typeof checkedSchema>;
export const tabularSchema = checkedSchema;

/** The levels of a categorical or binary column (binary defaults to ["0", "1"]). */
export function levelsOf(c: ColumnSpec): readonly string[] {
  return c.levels ?? (c.type === 'binary' ? ['0', '1'] : []);
}

/** Validates a parsed schema object; CONFIG_INVALID names every problem and its path. */
export function parseTabularSchema(value: unknown, where = 'schema'): TabularSchema {
  const r = checkedSchema.safeParse(value);
  if (!r.success) {
    throw new MedfedError(ErrorCodes.CONFIG_INVALID, `invalid tabular schema: ${formatZodIssues(r.error)}`, {
      where,
      hint: 'see docs/data.md for the schema format (columns, label, site, missing policies)',
    });
  }
  return r.data;
}

/** Parses and validates schema YAML text; `fileName` goes into error locations. */
export function parseTabularSchemaYaml(text: string, fileName: string): TabularSchema {
  let value: unknown;
  try {
    value = parseYaml(text);
  } catch (e) {
    const pos = (e as { linePos?: { line: number; col: number }[] }).linePos?.[0];
    throw new MedfedError(ErrorCodes.CONFIG_INVALID, `schema is not valid YAML: ${(e as Error).message}`, {
      where: pos ? `${fileName}:${pos.line}:${pos.col}` : fileName,
      cause: e,
    });
  }
  return parseTabularSchema(value, fileName);
}
