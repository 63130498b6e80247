import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { MedfedError } from '../../../src/core/errors.js';
import { featurizeMolecules } from '../../../src/connectors/molecules/features.js';
import { loadRdkit } from '../../../src/connectors/molecules/rdkit.js';
import { murckoScaffold, scaffoldSplit } from '../../../src/connectors/molecules/scaffold.js';
import { parseSdf } from '../../../src/connectors/molecules/sdf.js';
import { parseSmiles } from '../../../src/connectors/molecules/smi.js';
import { joinActivities } from '../../../src/connectors/molecules/labels.js';

const data = resolve(import.meta.dirname, '../../../../data/molecules');
const opts = { radius: 2, bits: 2048, descriptors: [] as string[] };

test('an invalid SMILES is a DATA_INVALID error naming the file and line', async () => {
  const rdkit = await loadRdkit();
  const records = parseSmiles('CCO ethanol\n\nc1ccccc1 benzene\nC1CC(( broken\nCC acetone\n', 'mols.smi');
  assert.deepEqual(records.map((r) => r.line), [1, 3, 4, 5]);
  assert.throws(
    () => featurizeMolecules(rdkit, records, opts),
    (e: unknown) => e instanceof MedfedError && e.code === 'MEDFED_ERR_DATA_INVALID' && /mols\.smi line 4/.test(e.message) && /C1CC\(\(/.test(e.message),
  );
});

test('the real FDAMDD.smi has one SMILES RDKit rejects, on line 794, and the error says so', async () => {
  const rdkit = await loadRdkit();
  const records = parseSmiles(readFileSync(resolve(data, 'FDAMDD.smi'), 'utf8'), 'FDAMDD.smi');
  assert.equal(records.length, 796);
  assert.throws(() => featurizeMolecules(rdkit, records, opts), /FDAMDD\.smi line 794/);
});

test('Morgan bits are RDKit\'s: aspirin ECFP4 (2048 bits) has 24 bits set, the same as get_morgan_fp', async () => {
  const rdkit = await loadRdkit();
  const aspirin = 'CC(=O)Oc1ccccc1C(=O)O';
  const f = featurizeMolecules(rdkit, parseSmiles(`${aspirin} aspirin`, 'a.smi'), { ...opts, descriptors: ['NumHeavyAtoms'] });
  assert.equal(f.width, 2049);
  const bits = Array.from(f.x.subarray(0, 2048));
  assert.equal(bits.filter((b) => b === 1).length, 24);
  const mol = rdkit.get_mol(aspirin)!;
  const expected = mol.get_morgan_fp(JSON.stringify({ radius: 2, nBits: 2048 }));
  mol.delete();
  assert.equal(bits.join(''), expected);
  assert.equal(f.x[2048], 13, 'aspirin has 13 heavy atoms');
});

test('Bemis-Murcko scaffolds: side chains cut, linkers and ring =O kept, acyclic molecules have none', async () => {
  const rdkit = await loadRdkit();
  const scaffold = (smiles: string) => {
    const mol = rdkit.get_mol(smiles)!;
    try {
      return murckoScaffold(rdkit, mol);
    } finally {
      mol.delete();
    }
  };
  assert.equal(scaffold('Cc1ccccc1'), 'c1ccccc1');
  assert.equal(scaffold('CCCCO'), '');
  assert.equal(scaffold('CC(=O)Oc1ccccc1C(=O)O'), 'c1ccccc1');
  assert.equal(scaffold('CCN(CC)c1ccc(Cc2ccccn2)cc1'), 'c1ccc(Cc2ccccn2)cc1');
  assert.equal(scaffold('CC1CCC(=O)N1'), 'O=C1CCCN1');
});

test('scaffold split of bzr.sdf: test scaffolds disjoint from training, deterministic by seed', async () => {
  const rdkit = await loadRdkit();
  const records = parseSdf(readFileSync(resolve(data, 'bzr.sdf'), 'utf8'), 'bzr.sdf');
  assert.equal(records.length, 163);
  assert.equal(records[0].id, 'Adinazolam');
  assert.equal(records[0].props.ACTIVITY, '6.87');
  const f = featurizeMolecules(rdkit, records, { ...opts, bits: 256 });
  const a = scaffoldSplit(f.scaffolds, 0.2, 1);
  const trainScaffolds = new Set(a.train.map((i) => f.scaffolds[i]));
  assert.ok(a.test.every((i) => !trainScaffolds.has(f.scaffolds[i])));
  assert.equal(a.train.length + a.test.length, 163);
  assert.ok(Math.abs(a.test.length - Math.round(163 * 0.2)) <= 2, `test size ${a.test.length}`);
  assert.deepEqual(scaffoldSplit(f.scaffolds, 0.2, 1), a);
  assert.notDeepEqual(scaffoldSplit(f.scaffolds, 0.2, 2).test, a.test);
});

test('a truncated SDF record is FORMAT_INVALID naming the record; activities join on the id', () => {
  assert.throws(() => parseSdf('m1\n\n\n  0  0  0  0  0  0  0  0  0  0999 V2000\nM  END\n$$$$\nm2\n  RDKit\n', 'x.sdf'), /x\.sdf record 2 \(line 7\)/);
  const records = parseSmiles('CCO a\nCCN b\n', 'm.smi');
  assert.deepEqual(joinActivities(records, 'Name,Act\nb,2.5\na,1\n', 'act.csv', { id: 'Name', value: 'Act' }), [1, 2.5]);
  assert.throws(() => joinActivities(records, 'Name,Act\nb,2.5\n', 'act.csv', { id: 'Name', value: 'Act' }), /m\.smi line 1: molecule "a" has no activity in act\.csv/);
});
