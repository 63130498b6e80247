import { resolve } from 'node:path';
import { readCsvFile, readTabularSchemaFile } from '../connectors/csv/read-file.js';
import type { TabularSchema } from '../connectors/csv/schema.js';
import { concatDatasets, type Dataset } from '../core/dataset.js';
import { ErrorCodes, MedfedError } from '../core/errors.js';
import type { LossName } from '../core/model-spec.js';
import type { PartitionSpec, StudySpec } from '../core/study-spec.js';
import { partitionBySite, partitionDirichletLabel, partitionIid, partitionQuantitySkew, type SitePartition } from '../data/partition.js';
import type { Normalization, Table } from '../data/table.js';
import { createSiteData, type SiteDataConfig } from '../node/site-data-config.js';
import type { SiteSummary } from '../report/results-schema.js';

/**
 * The simulator's view of a study's data: how the rows are split into sites (each site then
 * loads, splits and summarises its own rows, like a real one), plus — a simulator privilege — the
 * pooled training and test sets for the pooled baseline and pooled-test evaluation.
 */
export interface StudyData {
  readonly schema: TabularSchema;
  readonly sites: readonly { readonly siteId: string; readonly data: SiteDataConfig }[];
  readonly normalize: 'federated-zscore' | 'none';
  readonly loss: LossName;
  readonly task: 'binary' | 'multiclass';
  readonly dataset: { name: string; source: string; licence: string; rows: number };
  readonly siteSummaries: SiteSummary[];
  /** Sites left out (fewer rows than partition.minRows), with the reason. */
  readonly excluded: Record<string, string>;
  materializeAll(normalization?: Normalization): Promise<{
    featureShape: readonly number[];
    pooledTrain: Dataset;
    pooledTest: Dataset;
    siteTests: Map<string, Dataset>;
  }>;
}

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

export async function prepareStudyData(spec: StudySpec, baseDir: string): Promise<StudyData> {
  const d = spec.data;
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
