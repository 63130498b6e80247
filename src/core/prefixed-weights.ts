import { ErrorCodes, MedfedError } from './errors.js';
import type { Tensor, Weights } from './tensors.js';

/**
 * Several named weight sets in one flat tensor map (one safetensors file): tensor `t` of set `k`
 * is stored as `k/t`. Used for checkpoints of strategy state (server and site). Set names must
 * not contain "/"; tensor names may.
 */
export const SET_SEPARATOR = '/';

export function flattenWeightSets(sets: Readonly<Record<string, Weights>> | ReadonlyMap<string, Weights>): Map<string, Tensor> {
  const entries = sets instanceof Map ? [...sets] : Object.entries(sets as Record<string, Weights>);
  const out = new Map<string, Tensor>();
  for (const [set, weights] of entries) {
    if (set.length === 0 || set.includes(SET_SEPARATOR)) {
      throw new MedfedError(ErrorCodes.FORMAT_INVALID, `state key "${set}" cannot be stored: keys must be non-empty and contain no "${SET_SEPARATOR}"`, {
        where: `state["${set}"]`,
      });
    }
    for (const [name, t] of weights) out.set(`${set}${SET_SEPARATOR}${name}`, t);
  }
  return out;
}

export function unflattenWeightSets(flat: Weights, source: string): Record<string, Map<string, Tensor>> {
  const out: Record<string, Map<string, Tensor>> = {};
  for (const [key, t] of flat) {
    const at = key.indexOf(SET_SEPARATOR);
    if (at <= 0) {
      throw new MedfedError(ErrorCodes.FORMAT_INVALID, `${source}: tensor "${key}" is not named "<state key>${SET_SEPARATOR}<tensor>"`, { where: source });
    }
    const set = key.slice(0, at);
    (out[set] ??= new Map()).set(key.slice(at + 1), t);
  }
  return out;
}
