import { ErrorCodes, MedfedError } from '../../core/errors.js';
import { Rng } from '../../core/random.js';
import { parseMol, type Rdkit, type RdkitMol } from './rdkit.js';

interface MolGraph {
  readonly header: string[];
  readonly atoms: string[];
  readonly bonds: { a: number; b: number; order: number; line: string }[];
  /** "M  CHG/ISO/RAD" properties: kind → [atom, value] pairs. */
  readonly atomProps: Map<string, [number, string][]>;
}

function parseV2000(molblock: string): MolGraph | undefined {
  const lines = molblock.split(/\r?\n/);
  const counts = lines[3] ?? '';
  if (!counts.includes('V2000')) return undefined;
  const nAtoms = Number(counts.slice(0, 3));
  const nBonds = Number(counts.slice(3, 6));
  const atoms = lines.slice(4, 4 + nAtoms);
  const bonds = lines.slice(4 + nAtoms, 4 + nAtoms + nBonds).map((line) => ({
    a: Number(line.slice(0, 3)) - 1,
    b: Number(line.slice(3, 6)) - 1,
    order: Number(line.slice(6, 9)),
    line,
  }));
  const atomProps = new Map<string, [number, string][]>();
  for (const l of lines.slice(4 + nAtoms + nBonds)) {
    const m = /^M {2}(CHG|ISO|RAD)\s*(\d+)(.*)$/.exec(l);
    if (!m) continue;
    const fields = m[3].trim().split(/\s+/);
    const pairs = atomProps.get(m[1]) ?? [];
    for (let i = 0; i + 1 < fields.length; i += 2) pairs.push([Number(fields[i]) - 1, fields[i + 1]]);
    atomProps.set(m[1], pairs);
  }
  return { header: lines.slice(0, 3), atoms, bonds, atomProps };
}

/**
 * The atoms of the Bemis-Murcko framework (Bemis & Murcko 1996): ring systems and the linkers
 * between them, i.e. the 2-core of the molecular graph (terminal atoms pruned until none is
 * left), plus — as RDKit's MurckoScaffold.GetScaffoldForMol does — side-chain atoms doubly
 * bonded to a framework atom (the "=O" of a lactam stays). Acyclic molecules have none.
 */
function frameworkAtoms(g: MolGraph): Set<number> {
  const n = g.atoms.length;
  const neighbours: number[][] = Array.from({ length: n }, () => []);
  for (const b of g.bonds) {
    neighbours[b.a].push(b.b);
    neighbours[b.b].push(b.a);
  }
  const degree = neighbours.map((x) => x.length);
  const removed = new Array<boolean>(n).fill(false);
  const queue = degree.flatMap((d, i) => (d <= 1 ? [i] : []));
  while (queue.length > 0) {
    const i = queue.pop()!;
    if (removed[i]) continue;
    removed[i] = true;
    for (const j of neighbours[i]) {
      if (!removed[j] && --degree[j] <= 1) queue.push(j);
    }
  }
  const kept = new Set<number>();
  for (let i = 0; i < n; i++) if (!removed[i]) kept.add(i);
  if (kept.size === 0) return kept;
  for (const b of g.bonds) {
    if (b.order !== 2) continue;
    if (kept.has(b.a) && !kept.has(b.b) && neighbours[b.b].length === 1) kept.add(b.b);
    if (kept.has(b.b) && !kept.has(b.a) && neighbours[b.a].length === 1) kept.add(b.a);
  }
  return kept;
}

const pad3 = (v: number) => String(v).padStart(3, ' ');

function subMolblock(g: MolGraph, kept: Set<number>): string {
  const order = [...kept].sort((a, b) => a - b);
  const index = new Map(order.map((a, i) => [a, i + 1]));
  const bonds = g.bonds.filter((b) => kept.has(b.a) && kept.has(b.b));
  const out = [...g.header, `${pad3(order.length)}${pad3(bonds.length)}  0  0  0  0  0  0  0  0999 V2000`];
  for (const a of order) out.push(g.atoms[a]);
  for (const b of bonds) out.push(`${pad3(index.get(b.a)!)}${pad3(index.get(b.b)!)}${b.line.slice(6)}`);
  for (const [kind, pairs] of g.atomProps) {
    const mine = pairs.filter(([a]) => kept.has(a));
    for (let i = 0; i < mine.length; i += 8) {
      const chunk = mine.slice(i, i + 8);
      out.push(`M  ${kind}${pad3(chunk.length)}${chunk.map(([a, v]) => ` ${pad3(index.get(a)!)} ${v.padStart(3, ' ')}`).join('')}`);
    }
  }
  out.push('M  END');
  return out.join('\n');
}

/**
 * The canonical SMILES of a molecule's Bemis-Murcko scaffold ("" for acyclic molecules). rdkit-js
 * has no MurckoScaffold, so the framework is cut out of RDKit's own molblock and RDKit writes its
 * canonical SMILES. If RDKit cannot read the cut-out framework (rare valence cases), the
 * molecule's own canonical SMILES stands in (it is then its own scaffold group).
 */
export function murckoScaffold(rdkit: Rdkit, mol: RdkitMol): string {
  const g = parseV2000(mol.get_molblock());
  if (!g) return mol.get_smiles();
  const kept = frameworkAtoms(g);
  if (kept.size === 0) return '';
  if (kept.size === g.atoms.length) return mol.get_smiles();
  const core = parseMol(rdkit, subMolblock(g, kept));
  if (!core) return mol.get_smiles();
  try {
    return core.get_smiles();
  } finally {
    core.delete();
  }
}

export interface ScaffoldSplit {
  readonly train: number[];
  readonly test: number[];
}

/**
 * A scaffold split: molecules sharing a scaffold go to the same side, so every test scaffold is
 * unseen in training. Balanced and seeded (as chemprop's): scaffold groups larger than half the
 * test size go to training; the others are shuffled (seeded) and fill the test set up to
 * round(n × testFraction) molecules. Indices come back in increasing order.
 */
export function scaffoldSplit(scaffolds: readonly string[], testFraction: number, seed: number, where = 'scaffold split'): ScaffoldSplit {
  const groups = new Map<string, number[]>();
  scaffolds.forEach((s, i) => {
    const g = groups.get(s);
    if (g) g.push(i);
    else groups.set(s, [i]);
  });
  const target = Math.round(scaffolds.length * testFraction);
  const keys = [...groups.keys()].sort();
  const big = keys.filter((k) => groups.get(k)!.length > target / 2);
  const small = new Rng(seed).shuffle(keys.filter((k) => groups.get(k)!.length <= target / 2)) as string[];
  const train: number[] = [];
  const test: number[] = [];
  for (const k of big) train.push(...groups.get(k)!);
  for (const k of small) {
    const g = groups.get(k)!;
    if (test.length + g.length <= target) test.push(...g);
    else train.push(...g);
  }
  if (test.length === 0 || train.length === 0) {
    throw new MedfedError(ErrorCodes.DATA_INVALID, `${where}: ${scaffolds.length} molecules in ${groups.size} scaffold group(s) give no ${test.length === 0 ? 'test' : 'training'} set at testFraction ${testFraction}`, {
      where,
      hint: 'use more molecules, more diverse scaffolds or another testFraction',
    });
  }
  return { train: train.sort((a, b) => a - b), test: test.sort((a, b) => a - b) };
}
