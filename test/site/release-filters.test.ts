import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import type { AuditEventOf } from '../../src/audit/events.js';
import { packWeights, unpackWeights } from '../../src/core/codec.js';
import type { FitReplyMessage, SiteReply } from '../../src/core/messages.js';
import { applyFilters, parseFilterChain } from '../../src/privacy/filters/index.js';
import type { FilterSpec } from '../../src/privacy/filters/spec.js';
import { releaseUpdate } from '../../src/site/agent/release-updates.js';
import { auditSink, fitReply, weights } from './helpers.js';

/** Global x = a [1, 2], b [0.5]; trained y = a [4, 2], b [4.5]: delta (3, 0, 4), norm 5. */
const globalBytes = packWeights(weights({ a: [1, 2], b: [0.5] }));
const trained = { a: [4, 2], b: [4.5] };
const siteClip: FilterSpec[] = [{ name: 'norm-clip', options: { maxNorm: 1 } }];

function release(reply: SiteReply, filters: FilterSpec[], jobFilters: FilterSpec[] = [], minSamplesPerUpdate = 20) {
  const sink = auditSink();
  const out = releaseUpdate(reply, { jobId: 'job-1', global: globalBytes, policy: { filters, minSamplesPerUpdate }, jobFilters, audit: sink.audit });
  return { out, events: sink.events };
}

const values = (r: SiteReply) => {
  assert.equal(r.kind, 'fit');
  return Object.fromEntries([...unpackWeights((r as FitReplyMessage).weights)].map(([k, t]) => [k, [...t.data]]));
};

test('the site\'s mandatory norm-clip is applied to the update before release and recorded in the audit entry', () => {
  const { out, events } = release(fitReply(trained), siteClip);
  // delta scaled by 1/5: (0.6, 0, 0.8); the untouched value is the trained one, the others fround(x + delta').
  assert.deepEqual(values(out), { a: [Math.fround(1.6), 2], b: [Math.fround(1.3)] });
  assert.equal(events.length, 1);
  const ev = events[0] as AuditEventOf<'update_released'>;
  assert.deepEqual(ev.filters, ['min-sample-count', 'norm-clip']);
  assert.deepEqual(ev.applied, [{ filter: 'norm-clip', by: 'site', options: { maxNorm: 1 }, effect: { normBefore: 5, normAfter: 1, scale: 0.2, clipped: 1 } }]);
  // The digest is of what actually leaves: the clipped weights.
  const sent = (out as FitReplyMessage).weights;
  assert.equal(ev.sha256, createHash('sha256').update(sent).digest('hex'));
  assert.equal(ev.bytes, sent.byteLength);
  assert.deepEqual([ev.jobId, ev.round], ['job-1', 3]);
});

test('a filter that changes nothing sends the trained bytes unchanged (the simulator hash still holds)', () => {
  const reply = fitReply(trained);
  const { out, events } = release(reply, [{ name: 'norm-clip', options: { maxNorm: 10 } }]);
  assert.equal((out as FitReplyMessage).weights, reply.weights);
  const ev = events[0] as AuditEventOf<'update_released'>;
  assert.deepEqual(ev.applied?.[0].effect, { normBefore: 5, normAfter: 5, scale: 1, clipped: 0 });
});

test('a job adds filters but cannot loosen or remove the site\'s: job filters run first, the site\'s last', () => {
  // The job asks for a far looser clip and no other filter: the site's maxNorm 1 still holds.
  const loose = release(fitReply(trained), siteClip, [{ name: 'norm-clip', options: { maxNorm: 1000 } }]);
  assert.deepEqual(values(loose.out), { a: [Math.fround(1.6), 2], b: [Math.fround(1.3)] });
  const ev = loose.events[0] as AuditEventOf<'update_released'>;
  assert.deepEqual(ev.applied?.map((r) => [r.filter, r.by, r.effect.normAfter]), [['norm-clip', 'job', 5], ['norm-clip', 'site', 1]]);

  // The job adds top-k keeping 1 of 3 values (b's 4), then the site clips 4 → 1: a = global, b = 0.5 + 1.
  const topK = release(fitReply(trained), siteClip, [{ name: 'top-k', options: { fraction: 0.3 } }]);
  assert.deepEqual(values(topK.out), { a: [1, 2], b: [1.5] });
  const ev2 = topK.events[0] as AuditEventOf<'update_released'>;
  assert.deepEqual(ev2.filters, ['min-sample-count', 'top-k', 'norm-clip']);
  assert.deepEqual(ev2.applied?.map((r) => [r.filter, r.by]), [['top-k', 'job'], ['norm-clip', 'site']]);
  assert.deepEqual(ev2.applied?.[1].effect, { normBefore: 4, normAfter: 1, scale: 0.25, clipped: 1 });
});

test('the site\'s filters hold on what is sent: a job\'s 8-bit quantisation cannot undo the site\'s top-k sparsity', () => {
  const x = [0, 0, 0, 0, 0, 0, 0, 0];
  const y = [-0.8, 0.1, -0.3, 0.2, 0.7, -0.05, 0.4, -0.6];
  const global = packWeights(weights({ w: x }));
  const sink = auditSink();
  const reply = { ...fitReply({ w: y }) };
  const siteTopK: FilterSpec[] = [{ name: 'top-k', options: { fraction: 0.25 } }];
  const out = releaseUpdate(reply, { jobId: 'j', global, policy: { filters: siteTopK, minSamplesPerUpdate: 1 }, jobFilters: [{ name: 'quantize-8bit' }], audit: sink.audit });
  const sent = values(out).w;
  // Exactly the 2 largest |delta| leave (-0.8 and 0.7, after quantisation); the other 6 are the global 0 exactly.
  assert.deepEqual(sent.map((v, i) => (v === 0 ? 0 : i)).filter((i) => i !== 0), [4]);
  assert.notEqual(sent[0], 0);
  assert.equal(sent.filter((v) => v !== 0).length, 2);
  // The other order (site top-k, then the job's quantisation) would have sent every value non-zero.
  const wrongOrder = applyFilters(parseFilterChain([...siteTopK, { name: 'quantize-8bit' }]), { weights: weights({ w: y }), global: weights({ w: x }), numExamples: 50 });
  assert.ok([...wrongOrder.update.weights.get('w')!.data].filter((v) => v !== 0).length > 2);
});

test('min-sample-count is a rule, not a filter: too few records withholds the update and nothing is audited as released', () => {
  const { out, events } = release(fitReply(trained, 19), siteClip, [], 20);
  assert.equal(out.kind, 'error');
  assert.match((out as Extract<SiteReply, { kind: 'error' }>).error.code, /PRIVACY_THRESHOLD/);
  assert.match((out as Extract<SiteReply, { kind: 'error' }>).error.message, /computed from 19 records, its policy requires at least 20/);
  assert.equal(events.length, 0);
  assert.equal(release(fitReply(trained, 20), siteClip, [], 20).out.kind, 'fit');
});

test('a non-finite update or one of another layout never leaves: the gate throws and audits nothing', () => {
  const sink = auditSink();
  const bad = fitReply({ a: [Number.NaN, 2], b: [4.5] });
  assert.throws(() => releaseUpdate(bad, { jobId: 'j', global: globalBytes, policy: { filters: siteClip, minSamplesPerUpdate: 1 }, audit: sink.audit }), /MEDFED_ERR_NUMERIC_DIVERGENCE|non-finite/);
  const other = fitReply({ a: [4, 2], c: [1] });
  assert.throws(() => releaseUpdate(other, { jobId: 'j', global: globalBytes, policy: { filters: siteClip, minSamplesPerUpdate: 1 }, audit: sink.audit }), (e: Error & { code?: string }) => e.code === 'MEDFED_ERR_SHAPE_MISMATCH');
  assert.equal(sink.events.length, 0);
});

test('with no filters at all the update goes unchanged and the entry lists only the rule', () => {
  const reply = fitReply(trained);
  const { out, events } = release(reply, []);
  assert.equal(out, reply);
  const ev = events[0] as AuditEventOf<'update_released'>;
  assert.deepEqual([ev.filters, ev.applied], [['min-sample-count'], []]);
});
