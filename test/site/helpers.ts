import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse as parseYaml, stringify } from 'yaml';
import type { AuditEvent } from '../../src/audit/events.js';
import { packWeights } from '../../src/core/codec.js';
import type { FitReplyMessage } from '../../src/core/messages.js';
import { tensor, type Tensor } from '../../src/core/tensors.js';

export const root = resolve(import.meta.dirname, '../../..');

/** Weights from plain arrays (1-D tensors). */
export function weights(values: Record<string, number[]>): Map<string, Tensor> {
  return new Map(Object.entries(values).map(([k, v]) => [k, tensor([v.length], v)]));
}

export function fitReply(trained: Record<string, number[]>, numExamples = 50, round = 3): FitReplyMessage {
  return { kind: 'fit', siteId: 'site-a', round, weights: packWeights(weights(trained)), numExamples, steps: 4, extra: {}, metrics: { loss: 0.5 } };
}

/** An audit sink that keeps what it is given. */
export function auditSink(): { events: AuditEvent[]; audit: (e: AuditEvent) => void } {
  const events: AuditEvent[] = [];
  return { events, audit: (e) => events.push(e) };
}

/** A heart job spec (YAML) with optional extra fields (e.g. filters). */
export function heartJobYaml(extra: Record<string, unknown> = {}): string {
  return stringify({
    name: 'heart-job',
    dataset: 'heart',
    schema: parseYaml(readFileSync(join(root, 'data/heart/schema.yaml'), 'utf8')),
    federation: { rounds: 2, minSites: 3 },
    model: { name: 'mlp', layers: [{ type: 'dense', units: 2 }] },
    strategy: { name: 'fedavg', options: {} },
    ...extra,
  });
}
