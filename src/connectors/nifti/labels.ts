import { ErrorCodes, MedfedError } from '../../core/errors.js';

/** One row of an atlas label table, e.g. AAL's "37 Hippocampus_L 4101". */
export interface AtlasLabel {
  /** The voxel value in the label volume. */
  index: number;
  name: string;
  /** The atlas's own region code (third column), when present. */
  code?: number;
}

/**
 * Parses a whitespace-separated label table ("index name [code]" per line; blank lines and
 * lines starting with # skipped), as shipped with AAL (aal.nii.txt). Isomorphic.
 */
export function parseLabelTable(text: string, fileName: string): AtlasLabel[] {
  const labels: AtlasLabel[] = [];
  const seen = new Set<number>();
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const where = `${fileName}:${i + 1}`;
    const parts = line.split(/\s+/);
    if (parts.length < 2 || !/^\d+$/.test(parts[0]) || (parts[2] !== undefined && !/^-?\d+$/.test(parts[2]))) {
      throw new MedfedError(ErrorCodes.DATA_INVALID, `label line "${line}" is not "index name [code]"`, { where });
    }
    const index = Number(parts[0]);
    if (seen.has(index)) throw new MedfedError(ErrorCodes.DATA_INVALID, `label index ${index} appears twice`, { where });
    seen.add(index);
    labels.push({ index, name: parts[1], code: parts[2] === undefined ? undefined : Number(parts[2]) });
  });
  return labels;
}
