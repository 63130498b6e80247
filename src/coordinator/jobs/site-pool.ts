import type { SiteConnection } from '../../transport/transport.js';

/**
 * The sites currently connected to the coordinator, as the job engine sees them. The network
 * side implements it over its transport (gRPC + mTLS: one SiteConnection per authenticated,
 * connected site agent); tests use InMemorySitePool. A site that reconnects (restart) appears
 * again under the same id with a new connection; the engine looks connections up by id on every
 * request, so it always uses the current one.
 */
export interface SitePool {
  /** The sites connected now (any order). */
  connected(): SiteConnection[];
  /**
   * Resolves with the connected sites once at least `n` are connected; rejects with
   * QUORUM_NOT_MET (naming who is connected) if that does not happen within `timeoutMs`.
   */
  waitFor(n: number, timeoutMs: number): Promise<SiteConnection[]>;
  /**
   * The DER certificate a connected site authenticated with (mTLS pools). The job engine checks
   * the audit heads a site reports against it and anchors them (docs/audit.md); a pool without
   * certificates (in-memory tests) anchors nothing.
   */
  certificateOf?(siteId: string): Uint8Array | undefined;
}
