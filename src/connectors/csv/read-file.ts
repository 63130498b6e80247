import { existsSync } from 'node:fs';
import { readDataText } from '../../node/read-data-file.js';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ErrorCodes, MedfedError } from '../../core/errors.js';
import type { Table } from '../../data/table.js';
import { parseCsv } from './parse.js';
import { parseTabularSchemaYaml, type TabularSchema } from './schema.js';

/** Node only: the text of a file, or DATA_UNREADABLE naming it (missing, a directory, no permission). */
export const readTextFile = readDataText;

/** Node only: reads a schema YAML file (docs/data.md). */
export async function readTabularSchemaFile(path: string): Promise<TabularSchema> {
  return parseTabularSchemaYaml(await readTextFile(path), path);
}

/** Node only: reads a CSV file and checks it against `schema` (a schema object or a schema YAML path). */
export async function readCsvFile(path: string, schema: TabularSchema | string): Promise<Table> {
  const declared = typeof schema === 'string' ? await readTabularSchemaFile(schema) : schema;
  return parseCsv(await readTextFile(path), path, declared);
}

/**
 * Node only: the directory of a dataset bundled with medfed (e.g. "heart" → <package>/data/heart),
 * found by walking up from this module, so it works from src/ (ts) and dist/src/ (js).
 */
export function bundledDatasetDir(name: string): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'data', name);
    if (existsSync(join(candidate, 'schema.yaml'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) {
      throw new MedfedError(ErrorCodes.DATA_UNREADABLE, `bundled dataset "${name}" was not found (no data/${name}/schema.yaml)`, {
        hint: 'the medfed package ships data/heart; reinstall it if the folder was removed',
      });
    }
    dir = parent;
  }
}

/** Node only: the bundled UCI Statlog Heart table (270 rows, label heart_disease, 120 positive). */
export async function readHeartDataset(): Promise<Table> {
  const dir = bundledDatasetDir('heart');
  return readCsvFile(join(dir, 'statlog_heart.csv'), join(dir, 'schema.yaml'));
}
