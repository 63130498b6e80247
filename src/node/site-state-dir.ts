import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { unflattenWeightSets, flattenWeightSets } from '../core/prefixed-weights.js';
import { decodeSafetensors, encodeSafetensors } from '../core/safetensors.js';
import type { SiteStateStore } from '../site/site-state-store.js';
import type { SiteState } from '../strategies/strategy.js';
import { writeFileAtomic } from './atomic-write.js';

const FILE = /^round-(\d+)\.safetensors$/;

/**
 * A site's per-job strategy state on disk: DIR/<jobId>/round-<r>.safetensors, one file per kept
 * round, tensors named "<state key>/<tensor>", written atomically (tmp + fsync + rename).
 */
export function directorySiteStateStore(dir: string): SiteStateStore {
  const jobDir = (jobId: string) => join(dir, jobId.replace(/[^A-Za-z0-9._-]/g, '_'));
  return {
    async load(jobId) {
      const out = new Map<number, SiteState>();
      const d = jobDir(jobId);
      if (!existsSync(d)) return out;
      for (const f of readdirSync(d)) {
        const m = FILE.exec(f);
        if (!m) continue;
        const file = join(d, f);
        const sets = unflattenWeightSets(decodeSafetensors(readFileSync(file), file).tensors, file);
        out.set(Number(m[1]), new Map(Object.entries(sets)));
      }
      return out;
    },
    async save(jobId, round, state, keep) {
      const d = jobDir(jobId);
      writeFileAtomic(join(d, `round-${round}.safetensors`), encodeSafetensors(flattenWeightSets(state), { round: String(round) }));
      for (const f of readdirSync(d)) {
        const m = FILE.exec(f);
        if (m && !keep.includes(Number(m[1]))) rmSync(join(d, f), { force: true });
      }
    },
    async drop(jobId) {
      rmSync(jobDir(jobId), { recursive: true, force: true });
    },
  };
}
