import { ErrorCodes, MedfedError } from '../../core/errors.js';
import type { MoleculeRecord } from './records.js';

/**
 * A SMILES file: one molecule a line, the SMILES first, then (after a space or tab) an optional
 * id; blank lines and lines starting with "#" are skipped. Molecules without an id get their
 * 1-based line number as id. A header line "smiles ..." / "SMILES ..." is skipped.
 * The structures are checked later, by RDKit (features.ts).
 */
export function parseSmiles(text: string, file: string): MoleculeRecord[] {
  const out: MoleculeRecord[] = [];
  const seen = new Map<string, number>();
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = i + 1;
    const t = raw.trim();
    if (t.length === 0 || t.startsWith('#')) return;
    const [smiles, ...rest] = t.split(/[ \t]+/);
    if (line === 1 && /^smiles$/i.test(smiles)) return;
    const id = rest.join(' ').trim() || String(line);
    const before = seen.get(id);
    if (before !== undefined) {
      throw new MedfedError(ErrorCodes.DATA_INVALID, `${file} line ${line}: molecule id "${id}" already used on line ${before}`, {
        where: `${file}:${line}`,
        hint: 'give every molecule a unique id (the second column of the SMILES file)',
      });
    }
    seen.set(id, line);
    out.push({ id, format: 'smiles', structure: smiles, props: {}, file, line });
  });
  return out;
}
