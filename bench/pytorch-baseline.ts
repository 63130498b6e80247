import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
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

/** Seconds of one PyTorch epoch: wall clock and the process's CPU time (time.process_time). */
export interface EpochTime {
  readonly wall: number;
  readonly cpu: number;
}

/**
 * A long-lived PyTorch process (pytorch_train.py --serve) that trains one model at a time, one
 * epoch per call, so a benchmark can interleave PyTorch epochs with its own and both sides keep one
 * process across models.
 */
export class PytorchTrainer {
  private readonly child: ChildProcessWithoutNullStreams;
  private buffered = '';
  private stderr = '';
  private waiting: { resolve(v: Record<string, unknown>): void; reject(e: Error): void } | undefined;
  private exited: Error | undefined;

  private constructor() {
    this.child = spawn(PYTHON, [SCRIPT, '--serve'], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout.setEncoding('utf8');
    this.child.stderr.setEncoding('utf8');
    this.child.stderr.on('data', (d: string) => (this.stderr = (this.stderr + d).slice(-4000)));
    this.child.stdout.on('data', (d: string) => {
      this.buffered += d;
      let nl: number;
      while ((nl = this.buffered.indexOf('\n')) >= 0) {
        const line = this.buffered.slice(0, nl);
        this.buffered = this.buffered.slice(nl + 1);
        const w = this.waiting;
        this.waiting = undefined;
        w?.resolve(JSON.parse(line) as Record<string, unknown>);
      }
    });
    this.child.on('exit', (code) => {
      this.exited = new Error(`PyTorch baseline process exited (${code}): ${this.stderr.trim().split('\n').pop() ?? ''}`);
      this.waiting?.reject(this.exited);
      this.waiting = undefined;
    });
  }

  /** A running trainer, or why PyTorch is not available. */
  static start(): PytorchTrainer | { why: string } {
    const missing = pytorchAvailable();
    if (missing && !missing.ok) return { why: missing.why };
    return new PytorchTrainer();
  }

  private request(req: object): Promise<Record<string, unknown>> {
    if (this.exited) return Promise.reject(this.exited);
    if (this.waiting) return Promise.reject(new Error('PyTorch baseline: one request at a time'));
    return new Promise((resolve, reject) => {
      this.waiting = {
        resolve: (r) => (typeof r.error === 'string' ? reject(new Error(`PyTorch baseline: ${r.error}`)) : resolve(r)),
        reject,
      };
      this.child.stdin.write(JSON.stringify(req) + '\n');
    });
  }

  /** Builds the model of `spec` (nn.Sequential, Adam lr 1e-3) on n random examples; returns torch's version. */
  async build(spec: ModelSpecInput, n: number, batch: number): Promise<string> {
    return String((await this.request({ cmd: 'build', spec, n, batch })).torch);
  }

  /** One epoch of the built model with `threads` intra-op threads. */
  async epoch(threads: number): Promise<EpochTime> {
    const r = await this.request({ cmd: 'epoch', threads });
    return { wall: Number(r.wall), cpu: Number(r.cpu) };
  }

  /** Frees the model and its data. */
  async drop(): Promise<void> {
    await this.request({ cmd: 'drop' });
  }

  close(): void {
    this.child.stdin.end();
  }
}
