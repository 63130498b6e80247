import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';

// Each case runs the real CLI on the real heart data with one thing broken, and checks the
// error is clear (code and place), the exit status non-zero and that no results were written.
const root = resolve(import.meta.dirname, '../../..');
const cli = join(root, 'dist/src/cli/main.js');
const heartCsv = readFileSync(join(root, 'data/heart/statlog_heart.csv'), 'utf8');
const specText = readFileSync(join(root, 'examples/heart/study.yaml'), 'utf8');

function setup(csv: string, spec: string = specText) {
  const dir = mkdtempSync(join(tmpdir(), 'medfed-bad-'));
  writeFileSync(join(dir, 'heart.csv'), csv);
  copyFileSync(join(root, 'data/heart/schema.yaml'), join(dir, 'schema.yaml'));
  writeFileSync(join(dir, 'study.yaml'), spec.replace('../../data/heart/statlog_heart.csv', 'heart.csv').replace('../../data/heart/schema.yaml', 'schema.yaml'));
  return dir;
}

function run(dir: string) {
  const out = join(dir, 'out');
  const r = spawnSync(process.execPath, [cli, 'simulate', join(dir, 'study.yaml'), '--out', out, '--quiet'], { encoding: 'utf8' });
  return { status: r.status, stderr: r.stderr, wrote: existsSync(join(out, 'results.json')) || existsSync(join(out, 'report.html')) };
}

function expectFailure(dir: string, patterns: RegExp[]) {
  const r = run(dir);
  assert.equal(r.status, 2, `exit status (stderr: ${r.stderr})`);
  for (const p of patterns) assert.match(r.stderr, p);
  assert.equal(r.wrote, false, 'no results written');
}

test('a non-numeric value in a numeric column names file:line:column', () => {
  const lines = heartCsv.split('\n');
  lines[5] = lines[5].replace(/^(\d+,\d+,\d+,)\d+/, '$1high'); // resting_bp (4th column) of the 5th data row
  expectFailure(setup(lines.join('\n')), [/MEDFED_ERR_DATA_INVALID/, /heart\.csv:6:4/, /resting_bp/]);
});

test('a missing column is named', () => {
  const lines = heartCsv.split('\n').map((l) => l.split(',').filter((_, i) => i !== 7).join(','));
  expectFailure(setup(lines.join('\n')), [/MEDFED_ERR_DATA_INVALID/, /max_heart_rate/]);
});

test('an empty file is refused', () => {
  expectFailure(setup(''), [/MEDFED_ERR_DATA_UNREADABLE/, /heart\.csv/]);
});

test('an unknown strategy name is named with its spec path', () => {
  expectFailure(setup(heartCsv, specText.replace('- name: scaffold', '- name: fedfoo')), [/MEDFED_ERR_UNKNOWN_NAME/, /strategies\[3\]\.name/, /fedfoo/, /fedavg/]);
});

test('a negative learning rate is refused with the spec path', () => {
  expectFailure(setup(heartCsv, specText.replace('{ name: sgd, lr: 0.05 }', '{ name: sgd, lr: -0.05 }')), [/MEDFED_ERR_CONFIG_INVALID/, /training\.optimizer\.lr/]);
});

test('an unknown key in the spec is refused, not ignored', () => {
  expectFailure(setup(heartCsv, specText.replace('federation:', 'federaton:\n  rounds: 3\nfederation:')), [/MEDFED_ERR_CONFIG_INVALID/, /federaton/]);
});
