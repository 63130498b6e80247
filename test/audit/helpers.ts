import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AuditEvent } from '../../src/audit/events.js';
import { generateAuditKeyPair, type AuditKeyPair } from '../../src/audit/keys.js';
import { openAuditLog } from '../../src/node/audit-file.js';

export const hashA = 'a'.repeat(64);
export const hashB = '0123456789abcdef'.repeat(4);

/** 20 events of every kind, in the order a site would log them during a 2-job study. */
export function sampleEvents(): AuditEvent[] {
  const sites = ['site-a', 'site-b', 'site-c'];
  return [
    { kind: 'enrolment', subject: 'site-a', role: 'site', certSha256: hashA },
    { kind: 'connection_refused', peer: '10.0.0.9:5501', reason: 'certificate signed by an unknown CA' },
    { kind: 'job_submitted', jobId: 'heart-1', jobHash: hashB, by: 'alice' },
    { kind: 'job_approved', jobId: 'heart-1', jobHash: hashB, by: 'site-admin-a' },
    { kind: 'round_started', jobId: 'heart-1', round: 0, sites },
    { kind: 'update_released', jobId: 'heart-1', round: 0, bytes: 5120, sha256: hashA, filters: ['clip-norm', 'gaussian-dp'] },
    { kind: 'privacy_budget_spent', jobId: 'heart-1', epsilon: 0.5, delta: 1e-5 },
    { kind: 'round_ended', jobId: 'heart-1', round: 0, sites },
    { kind: 'round_started', jobId: 'heart-1', round: 1, sites },
    { kind: 'update_released', jobId: 'heart-1', round: 1, bytes: 5120, sha256: hashB, filters: ['clip-norm', 'gaussian-dp'] },
    { kind: 'privacy_budget_spent', jobId: 'heart-1', epsilon: 0.25, delta: 1e-5 },
    { kind: 'round_ended', jobId: 'heart-1', round: 1, sites: ['site-a', 'site-b'] },
    { kind: 'admin_action', actor: 'site-admin-a', action: 'policy_changed', target: 'mandatory filters' },
    { kind: 'job_submitted', jobId: 'mnist-2', jobHash: hashA, by: 'bob' },
    { kind: 'job_refused', jobId: 'mnist-2', jobHash: hashA, by: 'policy:auto', reason: 'strategy scaffold is not allowed' },
    { kind: 'job_submitted', jobId: 'heart-3', jobHash: hashA, by: 'alice' },
    { kind: 'job_approved', jobId: 'heart-3', jobHash: hashA, by: 'policy:auto', reason: 'auto-approve' },
    { kind: 'round_started', jobId: 'heart-3', round: 0, sites },
    { kind: 'update_released', jobId: 'heart-3', round: 0, bytes: 700, sha256: hashA, filters: [] },
    { kind: 'round_ended', jobId: 'heart-3', round: 0, sites },
  ];
}

/** A clock that starts at 2025-03-01T09:00:00.000Z and moves 1.5 s per call. */
export function steppingClock(startMs = Date.UTC(2025, 2, 1, 9, 0, 0), stepMs = 1500): () => number {
  let t = startMs - stepMs;
  return () => (t += stepMs);
}

export interface BuiltLog {
  dir: string;
  path: string;
  keysPath: string;
  keys: AuditKeyPair;
  node: string;
}

/** A real log of 20 entries written by the writer, with its key registry file beside it. */
export function buildLog(node = 'site-a'): BuiltLog {
  const dir = mkdtempSync(join(tmpdir(), 'medfed-audit-'));
  const path = join(dir, `${node}.audit.jsonl`);
  const keys = generateAuditKeyPair();
  const writer = openAuditLog(path, { node, privateKey: keys.privateKey, now: steppingClock() });
  for (const e of sampleEvents()) writer.append(e);
  writer.close();
  const keysPath = join(dir, 'audit-keys.json');
  writeFileSync(keysPath, JSON.stringify({ [node]: keys.publicKey }));
  return { dir, path, keysPath, keys, node };
}

/** The log's lines (without the final empty string). */
export function logLines(path: string): string[] {
  const lines = readFileSync(path, 'utf8').split('\n');
  lines.pop();
  return lines;
}

export function writeLines(path: string, lines: readonly string[]): void {
  writeFileSync(path, lines.map((l) => `${l}\n`).join(''));
}
