import { makeDataset, subset, type Dataset } from '../core/dataset.js';
import { ErrorCodes, MedfedError } from '../core/errors.js';
import type { MoleculeSource } from '../core/molecules-spec.js';
import { deriveSeed } from '../core/random.js';
import { featurizeMolecules, type FeatureOptions } from '../connectors/molecules/features.js';
import { alignedLabels, joinActivities, sdfProperty } from '../connectors/molecules/labels.js';
import { loadRdkit, parseMol } from '../connectors/molecules/rdkit.js';
import { recordWhere, type MoleculeRecord } from '../connectors/molecules/records.js';
import { scaffoldSplit } from '../connectors/molecules/scaffold.js';
import { parseSdf } from '../connectors/molecules/sdf.js';
import { parseSmiles } from '../connectors/molecules/smi.js';
import type { SiteData } from '../site/site-data.js';
import { readDataText } from './read-data-file.js';

/** How a site finds its assay (paths absolute): the molecule file, its labels and the task. */
export interface MoleculesSiteDataConfig {
  readonly kind: 'molecules';
  readonly task: 'regression' | 'classification';
  readonly source: MoleculeSource;
  readonly features: FeatureOptions;
  readonly testFraction: number;
  readonly seed: number;
  /** "skip": leave out molecules RDKit cannot read (default "error": stop, naming file and line). */
  readonly invalidMolecules?: 'error' | 'skip';
}

export interface MoleculeSiteData extends SiteData {
  readonly task: 'regression' | 'classification';
  /** Classification: molecules labelled 1 (train + test). */
  readonly positives?: number;
  /** Molecules left out because RDKit cannot read them ("file line N"), with invalidMolecules: skip. */
  readonly skipped: readonly string[];
  /** Distinct Bemis-Murcko scaffolds in training and test (disjoint by construction). */
  readonly scaffolds: { readonly train: number; readonly test: number };
}

/** The molecules and their raw labels, read from the site's files. */
export async function readMoleculeSource(s: MoleculeSource): Promise<{ records: MoleculeRecord[]; labels: number[] }> {
  const text = await readDataText(s.file);
  if (s.format === 'sdf') {
    const records = parseSdf(text, s.file);
    return { records, labels: sdfProperty(records, s.property) };
  }
  const records = parseSmiles(text, s.file);
  if (s.activities) {
    const a = s.activities;
    return { records, labels: joinActivities(records, await readDataText(a.file), a.file, { id: a.idColumn, value: a.valueColumn }) };
  }
  return { records, labels: alignedLabels(records, await readDataText(s.labels!), s.labels!) };
}

function meanStd(values: Float32Array | number[], rows: readonly number[], stride = 1, offset = 0): { mean: number; std: number } {
  let sum = 0;
  for (const i of rows) sum += values[i * stride + offset];
  const mean = sum / rows.length;
  let ss = 0;
  for (const i of rows) ss += (values[i * stride + offset] - mean) ** 2;
  const std = Math.sqrt(ss / Math.max(1, rows.length - 1));
  return { mean, std: std > 0 ? std : 1 };
}

/**
 * A site's assay as the site runtime sees it: featurised with RDKit, split by scaffold (seeded by
 * study seed and site id), regression targets and descriptors z-scored with the site's own
 * training mean and std (nothing about them leaves the site). The site trains with its own loss:
 * mse for regression, sigmoid cross-entropy for classification.
 */
export async function createMoleculeSiteData(c: MoleculesSiteDataConfig, siteId: string): Promise<MoleculeSiteData> {
  const read = await readMoleculeSource(c.source);
  const rdkit = await loadRdkit();
  const skipped: string[] = [];
  const keep = read.records.map((r) => {
    if (c.invalidMolecules !== 'skip') return true;
    const mol = parseMol(rdkit, r.structure);
    mol?.delete();
    if (!mol) skipped.push(recordWhere(r));
    return mol !== null;
  });
  const records = read.records.filter((_, i) => keep[i]);
  const labels = read.labels.filter((_, i) => keep[i]);
  if (c.task === 'classification') {
    labels.forEach((v, i) => {
      if (v !== 0 && v !== 1) {
        const r = records[i];
        throw new MedfedError(ErrorCodes.DATA_INVALID, `site ${siteId}: label ${v} of molecule "${r.id}" (${r.file} line ${r.line}) is not 0 or 1`, {
          where: `${r.file}:${r.line}`,
          hint: 'a classification assay needs 0/1 labels; declare the site "task: regression" for continuous activities',
        });
      }
    });
  }
  const f = featurizeMolecules(rdkit, records, c.features);
  const split = scaffoldSplit(f.scaffolds, c.testFraction, deriveSeed(c.seed, 'scaffold-split', siteId), `site ${siteId} (${c.source.file})`);
  const x = f.x;
  for (let d = 0; d < c.features.descriptors.length; d++) {
    const col = c.features.bits + d;
    const { mean, std } = meanStd(x, split.train, f.width, col);
    for (let i = 0; i < records.length; i++) x[i * f.width + col] = (x[i * f.width + col] - mean) / std;
  }
  const y = new Float32Array(labels);
  if (c.task === 'regression') {
    const { mean, std } = meanStd(y, split.train);
    for (let i = 0; i < y.length; i++) y[i] = (y[i] - mean) / std;
  }
  const all = makeDataset(x, y, [f.width], c.task === 'classification' ? 2 : 0, f.featureNames);
  const train: Dataset = subset(all, split.train);
  const test: Dataset = subset(all, split.test);
  const distinct = (rows: number[]) => new Set(rows.map((i) => f.scaffolds[i])).size;
  return {
    task: c.task,
    loss: c.task === 'regression' ? 'mse' : 'sigmoid_cross_entropy',
    trainCount: train.n,
    testCount: test.n,
    ...(c.task === 'classification' ? { positives: labels.filter((v) => v === 1).length } : {}),
    skipped,
    scaffolds: { train: distinct(split.train), test: distinct(split.test) },
    statistics: () => {
      throw new MedfedError(ErrorCodes.CONFIG_INVALID, `site ${siteId}: molecule data have no tabular features to compute federated statistics over`, {
        hint: 'molecule studies use data.kind "molecules" without federated normalisation',
      });
    },
    materialize: () => ({ train, test }),
  };
}
