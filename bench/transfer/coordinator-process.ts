import type { EvaluateRequest, FitRequest, SiteReply } from '../../src/core/messages.js';
import { readStartupKit } from '../../src/pki/startup-kit.js';
import { startFederationServer, type FederationServer } from '../../src/transport/grpc/federation-server.js';
import { defaultHeartbeat } from '../../src/transport/grpc/heartbeat.js';
import type { SiteConnection } from '../../src/transport/transport.js';
import { defaultWireLimits } from '../../src/transport/grpc/wire-limits.js';
import { serveIpc } from './ipc.js';
import { PeakRss } from './memory.js';
import { expectedMean, modelBytes, modelFloats, siteCount } from './payload.js';
import { WeightedFloat32Sum } from './weighted-sum.js';

/**
 * The benchmark's coordinator: the real gRPC federation server and site pool (mTLS, framed
 * Connect streams), no job engine. Commands come from bench/transfer.bench.ts over IPC.
 */
let server: FederationServer | null = null;
let sites: SiteConnection[] = [];
const model = new Float32Array(modelFloats).fill(0.25);
const modelView = new Uint8Array(model.buffer);

const fitRequest: FitRequest = {
  kind: 'fit',
  jobId: 'bench',
  round: 1,
  strategy: 'fedavg',
  strategyOptions: {},
  weights: new Uint8Array(0),
  directive: { config: {}, extra: {} },
  training: { epochs: 1, batchSize: 1, optimizer: { name: 'sgd', lr: 0.1 } },
  seed: 1,
};

function checkMean(acc: WeightedFloat32Sum): void {
  for (const i of [0, 1, 6, 12345, modelFloats - 1]) {
    const want = expectedMean(i, siteCount);
    if (Math.abs(acc.mean(i) - want) > 1e-4 * want) throw new Error(`aggregate wrong at ${i}: ${acc.mean(i)}, expected ${want}`);
  }
}

function fitOf(r: SiteReply): Extract<SiteReply, { kind: 'fit' }> {
  if (r.kind !== 'fit') throw new Error(`site ${r.siteId} answered ${r.kind}: ${JSON.stringify(r)}`);
  return r;
}

serveIpc({
  start: async (a: { kitDir: string }) => {
    server = await startFederationServer({
      kit: readStartupKit(a.kitDir),
      host: '127.0.0.1',
      port: 0,
      limits: defaultWireLimits,
      heartbeat: defaultHeartbeat,
      audit: () => undefined,
      admin: { handle: async () => null, download: async () => [] },
    });
    return { port: server.port };
  },
  waitSites: async () => {
    sites = await server!.pool.waitFor(siteCount, 60_000);
    return sites.length;
  },
  /** The 200 MiB model to every site at once; each site answers with the byte count it got. */
  broadcast: async () => {
    const req: EvaluateRequest = { kind: 'evaluate', jobId: 'bench', round: 1, strategy: 'fedavg', strategyOptions: {}, weights: modelView };
    const t0 = performance.now();
    const replies = await Promise.all(sites.map((s) => s.request(req)));
    const seconds = (performance.now() - t0) / 1000;
    for (const r of replies) if (r.kind !== 'evaluate' || r.metrics.bytes !== modelBytes) throw new Error(`site ${r.siteId} did not get the whole model: ${JSON.stringify(r)}`);
    return { seconds, bytes: modelBytes * sites.length };
  },
  /**
   * Every site sends its 200 MiB update at once. `streamed`: each update is folded into a running
   * weighted sum as its chunks arrive; `buffered`: each reply is received whole, then folded in.
   */
  gather: async (a: { mode: 'streamed' | 'buffered' }) => {
    (globalThis as { gc?: () => void }).gc?.();
    const acc = new WeightedFloat32Sum(modelFloats);
    const rss = new PeakRss();
    const t0 = performance.now();
    if (a.mode === 'streamed') {
      await Promise.all(sites.map((s) => server!.pool.request(s.siteId, fitRequest, {
        begin: (body, sizes) => {
          if (body.kind !== 'fit') throw new Error(`site ${body.siteId} answered ${body.kind}`);
          const sink = acc.update(body.numExamples, sizes[body.weights]);
          return { chunk: (blob, offset, bytes) => (blob === body.weights ? sink.chunk(0, offset, bytes) : undefined) };
        },
      }).then(fitOf)));
    } else {
      await Promise.all(sites.map(async (s) => {
        const r = fitOf(await s.request(fitRequest));
        acc.addWhole(r.numExamples, r.weights);
      }));
    }
    const seconds = (performance.now() - t0) / 1000;
    const peak = rss.stop();
    checkMean(acc);
    return { seconds, bytes: modelBytes * sites.length, baselineMiB: rss.baselineMiB, ...peak };
  },
});
process.on('exit', () => void server?.close());
