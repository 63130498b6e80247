import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { ErrorCodes, MedfedError } from './errors.js';
import { formatZodIssues } from './zod-errors.js';

/**
 * Parse a YAML configuration text and validate it with a zod schema. A YAML syntax error names
 * file:line:column; a schema error names every bad path and what was expected. Both are
 * CONFIG_INVALID with `what` (e.g. "study spec") in the message.
 */
export function parseYamlConfig<S extends z.ZodType>(text: string, file: string, schema: S, what: string, hint?: string): z.output<S> {
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    const at = e.linePos?.[0] ? `${file}:${e.linePos[0].line}:${e.linePos[0].col}` : file;
    throw new MedfedError(ErrorCodes.CONFIG_INVALID, `the ${what} is not valid YAML: ${e.message.split('\n')[0]}`, { where: at, hint });
  }
  const r = schema.safeParse(doc.toJS());
  if (!r.success) {
    const issues = formatZodIssues(r.error);
    throw new MedfedError(ErrorCodes.CONFIG_INVALID, `invalid ${what} ${file}: ${issues}`, { where: `${file}: ${issues.split(':')[0]}`, hint });
  }
  return r.data;
}
