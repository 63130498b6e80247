import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { unpackModelWeights } from '../../core/codec.js';
import type { ModelLayout } from '../../core/model-params.js';
import { flattenWeightSets, unflattenWeightSets } from '../../core/prefixed-weights.js';
import { decodeSafetensors, encodeSafetensors } from '../../core/safetensors.js';
import type { Tensor, Weights } from '../../core/tensors.js';
import { writeFileAtomic } from '../../node/atomic-write.js';

/** DATA_DIR/jobs/<id>: the job's checkpoints, final weights, results.json and report.html. */
export function jobDir(dataDir: string, jobId: string): string {
  return join(dataDir, 'jobs', jobId);
}

export interface CheckpointFiles {
  readonly checkpoint: string;
  readonly strategyCheckpoint: string;
}

/**
 * Write round r's checkpoint: round-<r>.safetensors (global weights, no metadata, so the file's
 * sha256 is the weights hash) and round-<r>.strategy.safetensors (server strategy state, tensors
 * named "<state key>/<tensor>"). Both atomically and durably, before the round is recorded.
 */
export function writeRoundCheckpoint(dir: string, round: number, global: Weights, strategyState: Record<string, Weights>): CheckpointFiles {
  const checkpoint = join(dir, `round-${round}.safetensors`);
  const strategyCheckpoint = join(dir, `round-${round}.strategy.safetensors`);
  writeFileAtomic(strategyCheckpoint, encodeSafetensors(flattenWeightSets(strategyState), { round: String(round) }));
  writeFileAtomic(checkpoint, encodeSafetensors(global));
  return { checkpoint, strategyCheckpoint };
}

export function readRoundCheckpoint(files: CheckpointFiles, layout: ModelLayout): { global: Map<string, Tensor>; strategyState: Record<string, Map<string, Tensor>> } {
  const global = unpackModelWeights(readFileSync(files.checkpoint), layout, files.checkpoint);
  const state = decodeSafetensors(readFileSync(files.strategyCheckpoint), files.strategyCheckpoint).tensors;
  return { global, strategyState: unflattenWeightSets(state, files.strategyCheckpoint) };
}
