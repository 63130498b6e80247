import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ModelSpecInput } from '../src/core/model-spec.js';

const PYTHON = '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('../../bench/pytorch_train.py', import.meta.url));

export type Baseline = { ok: true; samplesPerSecond: number; threads: number; torch: string } | { ok: false; why: string };

/** Whether Debian's PyTorch imports; the reason when it does not. */
export function pytorchAvailable(): Baseline | null {
  const r = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
  if (r.error) return { ok: false, why: `${PYTHON} not runnable: ${r.error.message}` };
  if (r.status !== 0) return { ok: false, why: `PyTorch not importable: ${r.stderr.trim().split('\n').pop()}` };
  return null;
}

/** PyTorch CPU training samples/s on the same model, batch and sample count (best of 1 and 2 threads). */
export function pytorchTrainThroughput(spec: ModelSpecInput, n: number, batch: number, repeats: number, warmup: number): Baseline {
  const missing = pytorchAvailable();
  if (missing) return missing;
  const job = JSON.stringify({ spec, n, batch, repeats, warmup, threads: [1, 2] });
  const r = spawnSync(PYTHON, [SCRIPT], { input: job, encoding: 'utf8', timeout: 600_000 });
  if (r.status !== 0) return { ok: false, why: `PyTorch baseline failed: ${(r.stderr || String(r.error)).trim().split('\n').pop()}` };
  const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as { samplesPerSecond: number; threads: number; torch: string };
  return { ok: true, ...out };
}
