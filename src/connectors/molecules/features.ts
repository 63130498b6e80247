import { ErrorCodes, MedfedError } from '../../core/errors.js';
import { recordWhere, type MoleculeRecord } from './records.js';
import { withMol, type Rdkit } from './rdkit.js';
import { murckoScaffold } from './scaffold.js';

export interface FeatureOptions {
  /** Morgan (ECFP-like) radius, e.g. 2 for ECFP4. */
  readonly radius: number;
  /** Fingerprint length in bits. */
  readonly bits: number;
  /** RDKit descriptors (names from get_descriptors, e.g. "CrippenClogP", "tpsa", "amw") appended after the bits. */
  readonly descriptors: readonly string[];
}

export interface MoleculeFeatures {
  /** n rows of bits + descriptors.length values: fingerprint bits (0/1) then raw descriptor values. */
  readonly x: Float32Array;
  readonly width: number;
  readonly featureNames: string[];
  /** Canonical SMILES of each molecule's Bemis-Murcko scaffold ("" if acyclic). */
  readonly scaffolds: string[];
}

/**
 * Morgan fingerprint bits, RDKit descriptors and the Bemis-Murcko scaffold of every molecule,
 * each parsed once by RDKit and freed right after. A structure RDKit cannot read is a
 * DATA_INVALID error naming the file and line (and the record, for SDF).
 */
export function featurizeMolecules(rdkit: Rdkit, records: readonly MoleculeRecord[], o: FeatureOptions): MoleculeFeatures {
  const width = o.bits + o.descriptors.length;
  const x = new Float32Array(records.length * width);
  const scaffolds: string[] = [];
  const fpDetails = JSON.stringify({ radius: o.radius, nBits: o.bits });
  records.forEach((r, i) => {
    const row = x.subarray(i * width, (i + 1) * width);
    scaffolds.push(
      withMol(
        rdkit,
        r.structure,
        (mol) => {
          const fp = mol.get_morgan_fp(fpDetails);
          for (let b = 0; b < o.bits; b++) row[b] = fp.charCodeAt(b) === 49 ? 1 : 0;
          if (o.descriptors.length > 0) {
            const all = JSON.parse(mol.get_descriptors()) as Record<string, number>;
            o.descriptors.forEach((name, d) => {
              if (!(name in all)) {
                throw new MedfedError(ErrorCodes.CONFIG_INVALID, `unknown RDKit descriptor "${name}"`, {
                  where: 'data.features.descriptors',
                  hint: `pick from: ${Object.keys(all).join(', ')}`,
                });
              }
              row[o.bits + d] = all[name];
            });
          }
          return murckoScaffold(rdkit, mol);
        },
        () =>
          new MedfedError(ErrorCodes.DATA_INVALID, `${recordWhere(r)}: RDKit cannot read the ${r.format === 'smiles' ? `SMILES "${r.structure}"` : 'molblock'} (molecule "${r.id}")`, {
            where: `${r.file}:${r.line}`,
            hint: 'fix or remove this molecule; RDKit rejects bad valences, unclosed rings and unknown atoms',
          }),
      ),
    );
  });
  const featureNames = [...Array.from({ length: o.bits }, (_, b) => `morgan${o.radius}_${b}`), ...o.descriptors];
  return { x, width, featureNames, scaffolds };
}
