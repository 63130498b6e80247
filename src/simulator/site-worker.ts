import { parentPort, workerData } from 'node:worker_threads';
import { getEngine } from '../engine/registry.js';
import { createSiteData } from '../node/site-data-config.js';
import { SiteRuntime } from '../site/site-runtime.js';
import { transferablesOf, type WorkerAnswer, type WorkerCall, type WorkerInit } from './worker-protocol.js';

/** A simulator worker thread: hosts one or more sites, runs the real site runtime for each. */
const init = workerData as WorkerInit;
const engine = () => getEngine(init.engine);
const sites = new Map(init.sites.map((s) => [s.siteId, new SiteRuntime(s.siteId, createSiteData(s.data, s.siteId), engine)]));

// Requests to one worker run one after the other: training is CPU-bound, and the order of
// requests to a site must be kept.
let queue: Promise<void> = Promise.resolve();
parentPort!.on('message', (call: WorkerCall) => {
  queue = queue.then(async () => {
    const site = sites.get(call.siteId)!;
    const reply = await site.handle(call.request);
    const answer: WorkerAnswer = { id: call.id, reply };
    parentPort!.postMessage(answer, transferablesOf(reply));
  });
});
