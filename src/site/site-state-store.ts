import type { SiteState } from '../strategies/strategy.js';

/**
 * Where a site keeps its per-job strategy state between restarts (optional). With one, a site
 * that restarts mid-job rejoins with its SCAFFOLD c_i / FedBN layers / local model as of its
 * last rounds, and the job ends exactly as if it had never stopped. The Node implementation
 * writes one safetensors file per round (src/node/site-state-dir.ts).
 */
export interface SiteStateStore {
  /** Snapshots kept for the job (round → state); empty when none. */
  load(jobId: string): Promise<Map<number, SiteState>>;
  /** Persist the state as of the end of `round`, and keep only the snapshots of `keep` rounds. */
  save(jobId: string, round: number, state: SiteState, keep: readonly number[]): Promise<void>;
  /** Forget the job (it ended). */
  drop(jobId: string): Promise<void>;
}
