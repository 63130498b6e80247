/**
 * One molecule read from a file: its structure (a SMILES string or an MDL molblock), its id, and
 * where it came from, so that any later error names the file and line (record for SDF).
 */
export interface MoleculeRecord {
  readonly id: string;
  readonly format: 'smiles' | 'molblock';
  /** The SMILES string or the molblock text. */
  readonly structure: string;
  /** Data fields (SDF `> <NAME>` items). */
  readonly props: Readonly<Record<string, string>>;
  readonly file: string;
  /** 1-based line of the SMILES, or of the molblock's first line. */
  readonly line: number;
  /** SDF: 1-based record number. */
  readonly record?: number;
}

/** "file line 12" or "file record 3 (line 120)", for error messages. */
export function recordWhere(r: Pick<MoleculeRecord, 'file' | 'line' | 'record'>): string {
  return r.record !== undefined ? `${r.file} record ${r.record} (line ${r.line})` : `${r.file} line ${r.line}`;
}
