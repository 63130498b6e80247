import { ErrorCodes, MedfedError } from '../../core/errors.js';

/** The parts of RDKit's WASM module (`@rdkit/rdkit`) medfed uses. */
export interface RdkitMol {
  get_smiles(): string;
  get_molblock(): string;
  get_morgan_fp(details: string): string;
  get_descriptors(): string;
  get_num_atoms(heavyOnly?: boolean): number;
  delete(): void;
}

export interface Rdkit {
  version(): string;
  get_mol(input: string, details?: string): RdkitMol | null;
}

let loading: Promise<Rdkit> | undefined;

/** RDKit (WASM), loaded once per thread. */
export function loadRdkit(): Promise<Rdkit> {
  loading ??= (async () => {
    try {
      const init = (await import('@rdkit/rdkit')).default as unknown as () => Promise<Rdkit>;
      return await init();
    } catch (e) {
      loading = undefined;
      throw new MedfedError(ErrorCodes.INTERNAL, `RDKit (WASM) could not be loaded: ${(e as Error).message}`, {
        hint: 'reinstall the dependencies (npm ci); the molecules connector needs the @rdkit/rdkit package',
        cause: e,
      });
    }
  })();
  return loading;
}

/**
 * Parse a SMILES string or a molblock; null when RDKit rejects it (RDKit returns null or, for
 * some inputs, throws). The caller owns the molecule and must `delete()` it.
 */
export function parseMol(rdkit: Rdkit, input: string): RdkitMol | null {
  if (input.trim().length === 0) return null;
  try {
    return rdkit.get_mol(input);
  } catch {
    return null;
  }
}

/** Run `f` on the parsed molecule and free its WASM memory afterwards, whatever happens. */
export function withMol<T>(rdkit: Rdkit, input: string, f: (mol: RdkitMol) => T, invalid: () => MedfedError): T {
  const mol = parseMol(rdkit, input);
  if (!mol) throw invalid();
  try {
    return f(mol);
  } finally {
    mol.delete();
  }
}
