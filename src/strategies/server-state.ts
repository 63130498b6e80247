import { ErrorCodes, MedfedError } from '../core/errors.js';
import { cloneWeights, type Tensor, type Weights } from '../core/tensors.js';
import { checkTensors } from './replies.js';

/** Deep copies of a strategy's state tensors (so a checkpoint never aliases live state). */
export function copyState(state: Record<string, Weights>): Record<string, Weights> {
  const out: Record<string, Weights> = {};
  for (const [k, w] of Object.entries(state)) out[k] = cloneWeights(w);
  return out;
}

/**
 * Validate checkpointed state against the fresh state's keys and layouts and return deep copies.
 * A key missing or unknown is FORMAT_INVALID; a wrong tensor is SHAPE_MISMATCH.
 */
export function readState(strategy: string, state: Record<string, Weights>, expected: Record<string, Weights>): Record<string, Map<string, Tensor>> {
  const want = Object.keys(expected).sort();
  const got = Object.keys(state).sort();
  if (want.join('\u0000') !== got.join('\u0000')) {
    throw new MedfedError(
      ErrorCodes.FORMAT_INVALID,
      `${strategy}: checkpointed strategy state has keys [${got.join(', ')}], expected [${want.join(', ')}]`,
      { where: 'checkpoint strategy state', hint: 'resume with the same strategy the checkpoint was written by' },
    );
  }
  const out: Record<string, Map<string, Tensor>> = {};
  for (const k of want) {
    checkTensors(strategy, 'the checkpoint', `state["${k}"]`, expected[k], state[k]);
    out[k] = cloneWeights(state[k]);
  }
  return out;
}
