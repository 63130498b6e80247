import { resolve } from 'node:path';
import { readCsvFile, readTabularSchemaFile } from '../../connectors/csv/read-file.js';
import { concatDatasets } from '../../core/dataset.js';
import { ErrorCodes, MedfedError } from '../../core/errors.js';
import type { CsvDataSpec, PartitionSpec, StudySpec } from '../../core/study-spec.js';
import { partitionBySite, partitionDirichletLabel, partitionIid, partitionQuantitySkew, type SitePartition } from '../../data/partition.js';
import type { Table } from '../../data/table.js';
import { createSiteData } from '../../node/site-data-config.js';
import type { SiteSummary } from '../../report/results-schema.js';
import type { StudyData } from '../study-data.js';

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
  const sites = kept.map((p) => ({
    siteId: p.siteId,
    data: { kind: 'csv' as const, file, schemaFile, rows: p.indices, testFraction: d.testFraction, seed: spec.seed },
  }));
  const numClasses = table.labelLevels.length;
  const loaded = await Promise.all(sites.map(async (s) => ({ siteId: s.siteId, data: await createSiteData(s.data, s.siteId) })));
  const siteSummaries: SiteSummary[] = kept.map((p) => {
    const site = loaded.find((l) => l.siteId === p.siteId)!.data;
    const counts = new Array<number>(numClasses).fill(0);
    for (const i of p.indices) counts[table.label[i]]++;
    return {
      id: p.siteId,
      trainExamples: site.trainCount,
      testExamples: site.testCount,
      ...(numClasses === 2 ? { positives: counts[1] } : { classCounts: counts }),
    };
  });
  return {
    schema,
    sites,
    normalize: d.normalize,
    loss: 'softmax_cross_entropy',
    task: numClasses === 2 ? 'binary' : 'multiclass',
    dataset: { name: schema.name ?? d.file, source: d.source ?? d.file, licence: d.licence ?? 'not stated', rows: table.n },
    siteSummaries,
    excluded,
    async materializeAll(normalization) {
      const all = loaded.map((l) => ({ siteId: l.siteId, ...l.data.materialize(normalization) }));
      return {
        featureShape: all[0].train.featureShape,
        pooledTrain: concatDatasets(all.map((a) => a.train)),
        pooledTest: concatDatasets(all.map((a) => a.test)),
        siteTests: new Map(all.map((a) => [a.siteId, a.test])),
      };
    },
  };
}
