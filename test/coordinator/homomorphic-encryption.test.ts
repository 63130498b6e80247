import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { test } from 'node:test';
import { packWeights } from '../../src/core/codec.js';
import { ErrorCodes, MedfedError } from '../../src/core/errors.js';
import { initialWeights } from '../../src/core/model-params.js';
import { tensor, type Weights } from '../../src/core/tensors.js';
import { runFederated, type FederatedRunOptions } from '../../src/coordinator/federated-run.js';
import { heAggregateRound, heKeySetup } from '../../src/coordinator/he-round.js';
import { HeAggregator } from '../../src/privacy/he/aggregate.js';
import { heRoundLayout } from '../../src/privacy/he/federated.js';
import { makeCkksParams } from '../../src/privacy/he/params.js';
import { HeMessageKind } from '../../src/privacy/he/wire.js';
import { withHomomorphicEncryption } from '../../src/site/homomorphic-encryption-site.js';
import { plainRunOptions } from '../fixtures/federated-run-options.js';
import type { SiteConnection } from '../../src/transport/transport.js';
import { examples, layout, plus, shift, shiftingTrainer } from './shifting-sites.js';

// Three sites whose training shifts every weight by a known amount (shifting-sites.ts).
const SITES = ['site-a', 'site-b', 'site-c'];
const EXAMPLE_TOTAL = examples(0) + examples(1) + examples(2);
const params = makeCkksParams({ clip: 1 });


/** Everything the coordinator received from the sites, and the requests it sent. */
interface Seen {
  clearWeights: number;
  /** Every CKKS message (bytes) that reached the coordinator, by field. */
  received: { field: string; site: string; bytes: Uint8Array }[];
  requests: string[];
}
const newSeen = (): Seen => ({ clearWeights: 0, received: [], requests: [] });

function sites(seen: Seen, drop?: { site: string; stage: string }): SiteConnection[] {
  return SITES.map((siteId, i) => {
    const handle = withHomomorphicEncryption(siteId, shiftingTrainer(siteId, i));
    return {
      siteId,
      async request(req) {
        seen.requests.push(`${siteId}:${req.kind === 'he' ? req.stage : req.kind}`);
        if (drop && drop.site === siteId && req.kind === 'he' && req.stage === drop.stage) throw new Error(`${siteId} went offline`);
        const reply = await handle(req);
        if (reply.kind === 'fit') {
          if (reply.weights.length > 0) seen.clearWeights++;
          if (reply.heContribution) seen.received.push({ field: 'contribution', site: siteId, bytes: reply.heContribution });
        }
        if (reply.kind === 'he' && reply.stage === 'key-share') seen.received.push({ field: 'key-share', site: siteId, bytes: reply.share });
        if (reply.kind === 'he' && reply.stage === 'decrypt') seen.received.push({ field: 'partial', site: siteId, bytes: reply.partial });
        return reply;
      },
    };
  });
}

function options(conns: SiteConnection[], strategyName = 'fedavg'): FederatedRunOptions {
  return {
    ...plainRunOptions({ jobId: 'he-job', sites: conns, layout, initial: initialWeights(layout, 1), rounds: 2, seed: 3, batchSize: 8, strategyName }),
    homomorphicEncryption: { params, exampleTotal: EXAMPLE_TOTAL },
  };
}

function maxDiff(a: Weights, b: Weights): number {
  let m = 0;
  for (const [k, t] of a) t.data.forEach((v, i) => (m = Math.max(m, Math.abs(v - b.get(k)!.data[i]))));
  return m;
}

/** The median over every value of |a - b|: robust to a few decoded values landing near the truth by chance. */
function medianDiff(a: Weights, b: Weights): number {
  const d: number[] = [];
  for (const [k, t] of a) t.data.forEach((v, i) => d.push(Math.abs(v - b.get(k)!.data[i])));
  d.sort((x, y) => x - y);
  return d[d.length >> 1];
}

const weightedShift = SITES.reduce((a, _, i) => a + examples(i) * shift(i), 0) / EXAMPLE_TOTAL;

test('CKKS rounds: the coordinator decrypts only the example-weighted mean; it receives public shares, ciphertexts and partial decryptions, never weights', async () => {
  const seen = newSeen();
  const result = await runFederated(options(sites(seen)));
  const expected = plus(initialWeights(layout, 1), 2 * weightedShift);
  const err = maxDiff(result.final, expected);
  assert.ok(err < 1e-5, `max error ${err}`);
  assert.ok(err > 0, 'CKKS noise makes the result differ from the exact mean a little');
  assert.equal(seen.clearWeights, 0, 'no fit reply carried weights');
  // one key setup per run, then per round: fit and one decryption per key holder
  for (const id of SITES) {
    assert.deepEqual(
      seen.requests.filter((r) => r.startsWith(`${id}:`)),
      [`${id}:key-share`, `${id}:public-key`, `${id}:fit`, `${id}:decrypt`, `${id}:fit`, `${id}:decrypt`],
    );
  }
  // Byte 5 of the MFHE header is the message kind (wire.ts): only public material reached the coordinator.
  const kinds = { 'key-share': HeMessageKind.publicKeyShare, contribution: HeMessageKind.contribution, partial: HeMessageKind.partialDecryption };
  assert.equal(seen.received.length, SITES.length * (1 + 2 * 2), 'a key share, then per round a contribution and a partial decryption, per site');
  for (const r of seen.received) {
    assert.equal(new TextDecoder().decode(r.bytes.subarray(0, 4)), 'MFHE');
    assert.equal(r.bytes[5], kinds[r.field as keyof typeof kinds], `${r.field} from ${r.site}`);
  }
});

test('without every key holder the coordinator cannot read the aggregate: n−1 partial decryptions give noise, a second decryption is refused', async () => {
  const seen = newSeen();
  const conns = sites(seen);
  const keys = await heKeySetup({ jobId: 'he-job', sites: conns, params });
  const global = initialWeights(layout, 1);
  const contributions = [];
  for (const c of conns) {
    const reply = await c.request({
      kind: 'fit', jobId: 'he-job', round: 1, strategy: 'fedavg', strategyOptions: {}, weights: packWeights(global),
      directive: { config: {}, extra: {} }, training: { epochs: 1, batchSize: 8, optimizer: { name: 'sgd', lr: 0.1 } }, seed: 1,
      homomorphicEncryption: { exampleTotal: EXAMPLE_TOTAL },
    });
    assert.equal(reply.kind, 'fit');
    if (reply.kind === 'fit') contributions.push({ siteId: reply.siteId, numExamples: reply.numExamples, bytes: reply.heContribution! });
  }
  const result = await heAggregateRound({ jobId: 'he-job', round: 1, sites: conns, keys, contributions, global });
  assert.ok(maxDiff(result.weights, plus(global, weightedShift)) < 1e-5);
  assert.equal(result.numExamples, EXAMPLE_TOTAL);

  // The coordinator's whole view of the round: contributions and all three partial decryptions.
  // Any two of the three partials (a coordinator colluding with all but one site) decode to noise.
  const partials = seen.received.filter((r) => r.field === 'partial').map((r) => ({ from: r.site, bytes: r.bytes }));
  assert.equal(partials.length, 3);
  const round = heRoundLayout(global);
  for (let left = 0; left < 3; left++) {
    const aggregator = new HeAggregator(keys.ctx, round, 1);
    for (const c of contributions) aggregator.add(c.siteId, c.bytes);
    const garbled = aggregator.decrypt(partials.filter((_, i) => i !== left), 2);
    // With every partial the decode is within 1e-5; without one, the missing s_i·c1 term leaves values
    // spread over the whole decodable range (about ±q/(2·scale)), so typical errors are 10^5× larger or more.
    const delta = medianDiff(garbled, new Map([...global].map(([k, t]) => [k, tensor(t.shape, t.data.map(() => weightedShift))])));
    assert.ok(delta > 1, `without ${partials[left].from} the decoded values are far from the mean (median error ${delta})`);
  }
  // A site decrypts one aggregate per round: the coordinator cannot also get a single site's ciphertext decrypted.
  const again = await conns[0].request({ kind: 'he', jobId: 'he-job', stage: 'decrypt', round: 1, count: 1, layoutFingerprint: round.fingerprint, aggregate: new Uint8Array(0) });
  assert.equal(again.kind, 'error');
  if (again.kind === 'error') assert.match(again.error.message, /already released a partial decryption for round 1/);
});

test('a key holder that does not answer the decryption fails the round with QUORUM_NOT_MET naming it (the key is n-of-n)', async () => {
  const run = runFederated(options(sites(newSeen(), { site: 'site-b', stage: 'decrypt' })));
  await assert.rejects(run, (e: unknown) => {
    assert.ok(e instanceof MedfedError);
    assert.equal(e.code, ErrorCodes.QUORUM_NOT_MET);
    assert.match(e.message, /round 1 CKKS decryption: 1 of 3 CKKS key holders did not answer \(site-b: .*went offline/);
    assert.match(e.hint ?? '', /n-of-n/);
    return true;
  });
  // a site missing at key setup stops the run before any round
  await assert.rejects(runFederated(options(sites(newSeen(), { site: 'site-c', stage: 'key-share' }))), /CKKS key setup \(public key shares\): 1 of 3 CKKS key holders did not answer \(site-c/);
});

test('strategies that need each update, and CKKS together with SecAgg+, are refused with CONFIG_INVALID naming the field', async () => {
  for (const bad of [options(sites(newSeen()), 'median'), { ...options(sites(newSeen())), secureAggregation: { clipRange: 1, modulusBits: 32, exampleScale: 30 } }]) {
    await assert.rejects(runFederated(bad), (e: unknown) => {
      assert.ok(e instanceof MedfedError);
      assert.equal(e.code, ErrorCodes.CONFIG_INVALID);
      assert.ok(['federation.homomorphicEncryption', 'federation.secureAggregation'].includes(e.where ?? ''), e.where);
      return true;
    });
  }
  await assert.rejects(runFederated(options(sites(newSeen()), 'krum')), /strategies "krum" \(krum\) need each site's own update; with homomorphic encryption/);
  await assert.rejects(runFederated({ ...options(sites(newSeen())), secureAggregation: { clipRange: 1, modulusBits: 32, exampleScale: 30 } }), /both set/);
});

test('the coordinator\'s CKKS code holds no key share: it never imports the key-holder module nor uses a SEAL Decryptor', () => {
  // Transitive closure of dist/src/coordinator/he-round.js over relative imports.
  const start = resolve(import.meta.dirname, '../../src/coordinator/he-round.js');
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const m of readFileSync(file, 'utf8').matchAll(/from '(\.[^']+)'/g)) visit(resolve(dirname(file), m[1]));
  };
  visit(start);
  const he = [...seen].filter((f) => f.includes('/privacy/he/')).map((f) => f.slice(f.indexOf('/privacy/he/') + 12));
  assert.ok(he.includes('aggregate.js') && he.includes('seal-context.js'), he.join(', '));
  assert.ok(!he.includes('keys.js'), 'the coordinator must not load HeKeyHolder (keys.js)');
  for (const f of seen) assert.doesNotMatch(readFileSync(f, 'utf8'), /\.Decryptor\(|HeKeyHolder\.create/, f);
});
