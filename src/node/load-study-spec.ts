import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ErrorCodes, MedfedError } from '../core/errors.js';
import { studySpecSchema, type StudySpec } from '../core/study-spec.js';
import { parseYamlConfig } from '../core/yaml-config.js';
import { getStrategy, parseStrategyOptions } from '../strategies/registry.js';

export interface LoadedStudySpec {
  readonly spec: StudySpec;
  /** Folder relative paths in the spec are resolved against. */
  readonly baseDir: string;
  readonly file: string;
}

/** Read a study spec (YAML), validate it and its strategies' options; errors name the path. */
export function loadStudySpec(file: string): LoadedStudySpec {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new MedfedError(ErrorCodes.CONFIG_INVALID, `cannot read the study spec ${file}: ${(e as Error).message}`, { where: file, cause: e });
  }
  return { spec: parseStudySpec(text, file), baseDir: dirname(resolve(file)), file };
}

export function parseStudySpec(text: string, file = 'spec'): StudySpec {
  const spec = parseYamlConfig(text, file, studySpecSchema, 'study spec', 'see docs/job-spec.md for every field and its allowed values');
  spec.strategies.forEach((s, i) => {
    getStrategy(s.name, `${file}: strategies[${i}].name`);
    parseStrategyOptions(s.name, s.options, `${file}: strategies[${i}].options`);
  });
  const labels = spec.strategies.map((s) => s.label ?? s.name);
  const dup = labels.find((l, i) => labels.indexOf(l) !== i);
  if (dup) {
    throw new MedfedError(ErrorCodes.CONFIG_INVALID, `two strategies are both named "${dup}"; give one a distinct "label"`, { where: `${file}: strategies` });
  }
  return spec;
}
