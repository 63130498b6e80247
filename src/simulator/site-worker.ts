import { parentPort, workerData } from 'node:worker_threads';
import { asMedfedError } from '../core/errors.js';
import type { SiteReply, SiteRequest } from '../core/messages.js';
import { getEngine } from '../engine/registry.js';
import { createSiteData } from '../node/site-data-config.js';
import { SiteRuntime } from '../site/site-runtime.js';
import { withSecureAggregation } from '../site/secure-aggregation-site.js';
import { withHomomorphicEncryption } from '../site/homomorphic-encryption-site.js';
import { transferablesOf, type WorkerAnswer, type WorkerCall, type WorkerInit } from './worker-protocol.js';

/** A simulator worker thread: hosts one or more sites, runs the real site runtime for each. */
const init = workerData as WorkerInit;
const engine = () => getEngine(init.engine);
// Each site answers through the same secure-aggregation wrapper a site agent uses, inside the CKKS one.
const sites = new Map<string, Promise<(req: SiteRequest) => Promise<SiteReply>>>(
  init.sites.map((s) => [
    s.siteId,
    createSiteData(s.data, s.siteId).then((data) => {
      const runtime = new SiteRuntime(s.siteId, data, engine);
      return withHomomorphicEncryption(s.siteId, withSecureAggregation(s.siteId, (req) => runtime.handle(req)));
    }),
  ]),
);
// A load failure is reported per request (below), not as an unhandled rejection.
for (const p of sites.values()) p.catch(() => undefined);

// Requests to one worker run one after the other: training is CPU-bound, and the order of
// requests to a site must be kept.
let queue: Promise<void> = Promise.resolve();
parentPort!.on('message', (call: WorkerCall) => {
  queue = queue.then(async () => {
    let reply: SiteReply;
    try {
      reply = await (await sites.get(call.siteId)!)(call.request);
    } catch (e) {
      // The site's data could not be loaded: every request to it answers with that error.
      reply = { kind: 'error', siteId: call.siteId, error: asMedfedError(e).toJSON() };
    }
    const answer: WorkerAnswer = { id: call.id, reply };
    parentPort!.postMessage(answer, transferablesOf(reply));
  });
});
