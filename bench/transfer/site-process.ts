import type { SiteReply, SiteRequest } from '../../src/core/messages.js';
import { readStartupKit } from '../../src/pki/startup-kit.js';
import { defaultHeartbeat } from '../../src/transport/grpc/heartbeat.js';
import { SiteClient } from '../../src/transport/grpc/site-client.js';
import { defaultWireLimits } from '../../src/transport/grpc/wire-limits.js';
import { siteUpdate } from './payload.js';

/**
 * One benchmark site: a real SiteClient (mTLS, outbound Connect stream). `evaluate` answers with
 * the number of weight bytes received; `fit` answers with this site's 200 MiB update, made once.
 * argv: kit folder, coordinator address, site index k.
 */
const [kitDir, address, index] = process.argv.slice(2);
const k = Number(index);
const kit = readStartupKit(kitDir);
const update = new Uint8Array(siteUpdate(k).buffer);

async function handle(r: SiteRequest): Promise<SiteReply> {
  const siteId = kit.identity.name;
  if (r.kind === 'evaluate') return { kind: 'evaluate', siteId, round: r.round, numExamples: k + 1, metrics: { bytes: r.weights.byteLength } };
  if (r.kind === 'fit') return { kind: 'fit', siteId, round: r.round, weights: update, numExamples: k + 1, steps: 1, extra: {}, metrics: {} };
  throw new Error(`the bench site does not answer ${r.kind}`);
}

const client = new SiteClient({ kit, address, limits: defaultWireLimits, heartbeat: defaultHeartbeat, backoff: { initialMs: 100, maxMs: 1000 } }, handle);
client.start();
process.on('disconnect', () => {
  client.stop();
  process.exit(0);
});
