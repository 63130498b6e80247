import { ErrorCodes, MedfedError } from '../core/errors.js';
import type { SiteState } from '../strategies/strategy.js';

/**
 * A site's strategy state for one job (SCAFFOLD's c_i, FedBN's local layers, the local-only
 * model), kept per round: `snapshot(r)` is the state as of the end of round r. Training round r
 * always starts from the newest snapshot before r, so when a coordinator re-sends a round (it
 * crashed mid-round and resumed from its last checkpoint) the site redoes it from the same state
 * and sends the same update. Committing round r discards any later (now stale) snapshots.
 * Strategies replace state entries (ctx.state.set) rather than mutating tensors in place, so a
 * shallow copy of a snapshot is a safe working state.
 */
export class VersionedSiteState {
  private readonly snapshots = new Map<number, SiteState>();
  private pruned = false;

  constructor(
    private readonly siteId: string,
    private readonly keep = 3,
    restored?: ReadonlyMap<number, SiteState>,
  ) {
    for (const [r, s] of restored ?? []) this.snapshots.set(r, s);
  }

  /** A working copy of the state training round `round` starts from. */
  baseFor(round: number): SiteState {
    const r = this.newestBefore(round);
    if (r === undefined) {
      if (this.pruned) {
        throw new MedfedError(ErrorCodes.SITE_FAILURE, `site ${this.siteId} no longer keeps its state from before round ${round}`, {
          hint: `a site keeps its state for the last ${this.keep} rounds it trained; resume the job from a later checkpoint`,
        });
      }
      return new Map();
    }
    return new Map(this.snapshots.get(r)!);
  }

  /** The state as of the end of round `round` (for evaluation after that round). */
  asOf(round: number): SiteState {
    const r = this.newestBefore(round + 1);
    return r === undefined ? new Map() : this.snapshots.get(r)!;
  }

  /** Record the state at the end of `round`; later snapshots are dropped, old ones pruned. Returns the rounds kept. */
  commit(round: number, state: SiteState): number[] {
    for (const r of [...this.snapshots.keys()]) if (r >= round) this.snapshots.delete(r);
    this.snapshots.set(round, state);
    const rounds = this.rounds();
    for (const r of rounds.slice(0, Math.max(0, rounds.length - this.keep))) {
      this.snapshots.delete(r);
      this.pruned = true;
    }
    return this.rounds();
  }

  rounds(): number[] {
    return [...this.snapshots.keys()].sort((a, b) => a - b);
  }

  /** The newest snapshot round strictly below `limit`. */
  private newestBefore(limit: number): number | undefined {
    let best: number | undefined;
    for (const r of this.snapshots.keys()) if (r < limit && (best === undefined || r > best)) best = r;
    return best;
  }
}
