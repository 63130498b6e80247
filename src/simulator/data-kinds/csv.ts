import { resolve } from 'node:path';
import { readCsvFile, readTabularSchemaFile } from '../../connectors/csv/read-file.js';
import { ErrorCodes, MedfedError } from '../../core/errors.js';
import type { CsvDataSpec, PartitionSpec, StudySpec } from '../../core/study-spec.js';
import { partitionBySite, partitionDirichletLabel, partitionIid, partitionQuantitySkew, type SitePartition } from '../../data/partition.js';
import type { Table } from '../../data/table.js';
import type { StudyData } from '../study-data.js';
import { tabularStudyData } from './tabular-study.js';

function partitionRows(table: Table, p: PartitionSpec, seed: number, where: string): SitePartition[] {
  switch (p.by) {
    case 'column':
      if (!table.sites || table.schema.site !== p.column) {
        throw new MedfedError(ErrorCodes.CONFIG_INVALID, `partition by column "${p.column}" needs the schema to declare it as the site column (site: ${p.column})`, {
          where: `${where}.partition.column`,
        });
      }
      return partitionBySite(table.sites);
    case 'dirichlet':
      return partitionDirichletLabel(table.label, { sites: p.sites, alpha: p.alpha, seed, minPerSite: p.minRows, minPerClass: p.minPerClass });
    case 'quantity':
      return partitionQuantitySkew(table.n, { sites: p.sites, seed, sizes: { kind: 'dirichlet', alpha: p.alpha }, minPerSite: p.minRows });
    case 'iid':
      return partitionIid(table.n, { sites: p.sites, seed });
  }
}

/** A CSV file with a declared schema, split into sites by a column, label skew, quantity skew or at random. */
export async function prepareCsvStudyData(spec: StudySpec, d: CsvDataSpec, baseDir: string): Promise<StudyData> {
  const file = resolve(baseDir, d.file);
  const schemaFile = resolve(baseDir, d.schema);
  const schema = await readTabularSchemaFile(schemaFile);
  const table = await readCsvFile(file, schema);
  const parts = partitionRows(table, d.partition, spec.seed, 'data');
  const minRows = d.partition.by === 'iid' ? 1 : d.partition.minRows;
  const excluded: Record<string, string> = {};
  const kept = parts.filter((p) => {
    if (p.indices.length >= minRows) return true;
    excluded[p.siteId] = `${p.indices.length} rows, fewer than partition.minRows = ${minRows}`;
    return false;
  });
  if (kept.length < 2) {
    throw new MedfedError(ErrorCodes.CONFIG_INVALID, `only ${kept.length} site(s) have at least ${minRows} rows; a federation needs 2 or more`, {
      where: 'data.partition',
    });
  }
  return tabularStudyData({
    schema,
    sites: kept.map((p) => ({
      siteId: p.siteId,
      data: { kind: 'csv' as const, file, schemaFile, rows: p.indices, testFraction: d.testFraction, seed: spec.seed },
      labels: p.indices.map((i) => table.label[i]),
    })),
    numClasses: table.labelLevels.length,
    survival: table.survival !== undefined,
    normalize: d.normalize,
    dataset: { name: schema.name ?? d.file, source: d.source ?? d.file, licence: d.licence ?? 'not stated', rows: table.n },
    excluded,
  });
}
