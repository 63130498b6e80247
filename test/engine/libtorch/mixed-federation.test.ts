import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { initialWeights, modelLayout } from '../../../src/core/model-params.js';
import type { ModelSpec } from '../../../src/core/model-spec.js';
import { federatedNormalization } from '../../../src/coordinator/federated-normalization.js';
import { runFederated } from '../../../src/coordinator/federated-run.js';
import { getEngine } from '../../../src/engine/registry.js';
import { loadStudySpec } from '../../../src/node/load-study-spec.js';
import { PooledEvaluator } from '../../../src/simulator/pooled-evaluator.js';
import { prepareStudyData } from '../../../src/simulator/study-data.js';
import { WorkerPool } from '../../../src/simulator/worker-pool.js';
import { getStrategy, parseStrategyOptions } from '../../../src/strategies/registry.js';
import { skipNative } from './native-available.js';

const studyFile = fileURLToPath(new URL('../../../../examples/heart/study.yaml', import.meta.url));

/**
 * The heart demo (4 clinics, FedAvg, the MLP with dropout) federated once with every site on
 * TF.js and once with 2 sites on the native libtorch engine and 2 on TF.js, same seed: the final
 * global models reach the same pooled-test AUROC within 0.005. Sites run in simulator worker threads.
 */
async function federate(engineOf: (site: number) => string): Promise<number> {
  const { spec, baseDir } = loadStudySpec(studyFile);
  const data = await prepareStudyData(spec, baseDir);
  const groups = new Map<string, { siteId: string; data: (typeof data.sites)[number]['data'] }[]>();
  data.sites.forEach((s, i) => groups.set(engineOf(i), [...(groups.get(engineOf(i)) ?? []), s]));
  const pools = [...groups].map(([engine, sites]) => new WorkerPool(sites, { engine, threads: 1 }));
  const byId = new Map(pools.flatMap((p) => p.connections).map((c) => [c.siteId, c]));
  const conns = data.sites.map((s) => byId.get(s.siteId)!);
  try {
    const normalization = data.schema ? (await federatedNormalization(conns, 'mixed:stats', spec.federation.k, data.schema)).normalization : undefined;
    const local = await data.materializeAll(normalization);
    const m = spec.models.find((x) => x.name === 'mlp')!;
    const layout = modelLayout({ inputShape: [...local.featureShape], layers: m.layers, loss: data.loss } as ModelSpec);
    const jobId = 'mixed:fedavg/mlp';
    for (const c of conns) await c.request({ kind: 'prepare', jobId, model: layout.spec, normalization });
    const result = await runFederated({
      jobId,
      sites: conns,
      strategyName: 'fedavg',
      strategyOptions: {},
      strategy: getStrategy('fedavg').createServer(parseStrategyOptions('fedavg', {}, 'fedavg'), layout),
      layout,
      initial: initialWeights(layout, spec.seed),
      rounds: spec.federation.rounds,
      fractionFit: spec.federation.fractionFit,
      minSites: spec.federation.minSites,
      seed: spec.seed,
      training: spec.training,
      evaluateSites: false,
    });
    const evalModel = await (await getEngine('tfjs-cpu')).build(layout.spec, { seed: spec.seed });
    const metrics = await new PooledEvaluator(evalModel, local.pooledTest).evaluate(result.final);
    evalModel.dispose();
    return (metrics as unknown as { auroc: number }).auroc;
  } finally {
    await Promise.all(pools.map((p) => p.close()));
  }
}

test('mixed federation (2 libtorch + 2 TF.js sites) ends within 0.005 AUROC of all-TF.js', { skip: skipNative }, async () => {
  const allTfjs = await federate(() => 'tfjs-wasm');
  const mixed = await federate((i) => (i < 2 ? 'libtorch' : 'tfjs-wasm'));
  console.log(`heart demo, fedavg/mlp: AUROC all-TF.js ${allTfjs.toFixed(4)}, mixed ${mixed.toFixed(4)}`);
  assert.ok(allTfjs > 0.7, `all-TF.js AUROC ${allTfjs}`);
  assert.ok(Math.abs(mixed - allTfjs) <= 0.005, `AUROC all-TF.js ${allTfjs} vs mixed ${mixed}`);
});
