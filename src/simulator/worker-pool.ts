import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { ErrorCodes, MedfedError } from '../core/errors.js';
import type { SiteReply, SiteRequest } from '../core/messages.js';
import type { SiteDataConfig } from '../node/site-data-config.js';
import type { SiteConnection } from '../transport/transport.js';
import { type WorkerAnswer, type WorkerCall, type WorkerInit } from './worker-protocol.js';

/**
 * The simulator's in-memory transport: sites live in worker threads (real parallelism), spread
 * round-robin over a pool; each site is a SiteConnection like a networked one.
 */
export class WorkerPool {
  private readonly workers: Worker[] = [];
  private readonly pending = new Map<number, { resolve: (r: SiteReply) => void; reject: (e: Error) => void }>();
  private nextId = 1;
  readonly connections: SiteConnection[];

  constructor(sites: readonly { siteId: string; data: SiteDataConfig }[], options: { engine: string; threads?: number }) {
    const threads = Math.max(1, Math.min(sites.length, options.threads ?? availableParallelism()));
    const assignment = new Map<string, number>();
    for (let w = 0; w < threads; w++) {
      const hosted = sites.filter((_, i) => i % threads === w);
      hosted.forEach((s) => assignment.set(s.siteId, w));
      const init: WorkerInit = { engine: options.engine, sites: hosted };
      const worker = new Worker(new URL('./site-worker.js', import.meta.url), { workerData: init });
      worker.on('message', (a: WorkerAnswer) => {
        const p = this.pending.get(a.id);
        this.pending.delete(a.id);
        p?.resolve(a.reply);
      });
      worker.on('error', (e) => this.failAll(new MedfedError(ErrorCodes.SITE_FAILURE, `simulator worker ${w} crashed: ${e.message}`, { cause: e })));
      worker.on('exit', (code) => {
        if (code !== 0) this.failAll(new MedfedError(ErrorCodes.SITE_FAILURE, `simulator worker ${w} exited with code ${code}`));
      });
      this.workers.push(worker);
    }
    this.connections = sites.map((s) => {
      const worker = this.workers[assignment.get(s.siteId)!];
      return {
        siteId: s.siteId,
        request: (request: SiteRequest) =>
          new Promise<SiteReply>((resolve, reject) => {
            const id = this.nextId++;
            this.pending.set(id, { resolve, reject });
            const call: WorkerCall = { id, siteId: s.siteId, request };
            // Copied, not transferred: the same global-weights bytes go to several sites.
            worker.postMessage(call);
          }),
      };
    });
  }

  private failAll(e: Error): void {
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
