import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { readHeartDataset } from '../../src/connectors/csv/read-file.js';
import type { StatsDocument } from '../../src/stats/stats-document.js';

const root = resolve(import.meta.dirname, '../../..');
const cli = join(root, 'dist/src/cli/main.js');
const spec = join(root, 'examples/heart/study.yaml');

test('medfed stats on the heart study writes stats.json (global = pooled) and a self-contained report.html', async () => {
  const out = join(mkdtempSync(join(tmpdir(), 'medfed-stats-')), 'out');
  const r = spawnSync(process.execPath, [cli, 'stats', spec, '--out', out, '--bins', '15', '--quantiles', '0.25,0.5,0.75'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /federated statistics: round 2\/2 histograms/);
  assert.match(r.stdout, /serum_cholesterol\s+numeric\s+270\s+0%\s+249\.66/);
  const doc = JSON.parse(readFileSync(join(out, 'stats.json'), 'utf8')) as StatsDocument;
  assert.equal(doc.schemaVersion, 1);
  assert.equal(doc.kind, 'federated-statistics');
  assert.equal(doc.records, 270);
  assert.equal(doc.query.k, 5);
  assert.equal(doc.sites.length, 4);
  assert.equal(doc.features.length, 14);
  // The study's partition keeps every row: the global statistics are those of the whole file.
  const heart = await readHeartDataset();
  const values = Array.from(heart.features.find((f) => f.spec.name === 'resting_bp')!.values);
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const std = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length);
  const bp = doc.features.find((f) => f.name === 'resting_bp')!;
  assert.equal(bp.global!.count, 270);
  assert.ok(Math.abs(bp.global!.mean! - mean) < 1e-9 && Math.abs(bp.global!.std! - std) < 1e-9);
  assert.equal(doc.grid.resting_bp.source, 'declared');
  assert.equal(doc.grid.resting_bp.edges.length, 16);
  assert.equal(bp.global!.min, undefined, 'no extremes without --allow-extremes');
  assert.deepEqual(bp.global!.quantiles!.map((q) => q.p), [0.25, 0.5, 0.75]);
  assert.equal(Object.values(bp.sites).reduce((a, s) => a + ('withheld' in s ? 0 : s.count!), 0), 270);
  const label = doc.features.find((f) => f.name === 'heart_disease')!;
  assert.deepEqual(label.global!.levels!.map((l) => l.count), [150, 120]);

  const html = readFileSync(join(out, 'report.html'), 'utf8');
  assert.match(html, /^<!DOCTYPE html>/);
  assert.ok((html.match(/<svg /g) ?? []).length >= 6, 'one histogram per numeric feature');
  assert.match(html, /<section id="f-serum_cholesterol">/);
  assert.doesNotMatch(html, /https?:\/\/|<script|<link /);
});

test('medfed stats with bad DP flags fails with CONFIG_INVALID naming the flag and writes nothing', () => {
  const out = join(mkdtempSync(join(tmpdir(), 'medfed-stats-')), 'out');
  const r = spawnSync(process.execPath, [cli, 'stats', spec, '--out', out, '--dp', 'gaussian', '--epsilon', '0.5', '--quiet'], { encoding: 'utf8' });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /MEDFED_ERR_CONFIG_INVALID/);
  assert.match(r.stderr, /delta/);
  assert.equal(existsSync(join(out, 'stats.json')), false);
});
