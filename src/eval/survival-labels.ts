import { ErrorCodes, MedfedError } from '../core/errors.js';

/** Survival labels decoded from XGBoost's convention (y = +time for an event, -time censored). */
export interface SurvivalOutcomes {
  readonly time: Float64Array;
  /** 1 = event, 0 = censored. */
  readonly event: Uint8Array;
  readonly events: number;
}

/**
 * Splits survival labels into time and event. Every label must be finite and non-zero (time > 0);
 * anything else is DATA_INVALID naming the index: a zero or NaN label is not a survival outcome.
 */
export function decodeSurvival(y: ArrayLike<number>, where = 'survival labels'): SurvivalOutcomes {
  const n = y.length;
  const time = new Float64Array(n);
  const event = new Uint8Array(n);
  let events = 0;
  for (let i = 0; i < n; i++) {
    const v = y[i];
    if (!(Number.isFinite(v) && v !== 0)) {
      throw new MedfedError(ErrorCodes.DATA_INVALID, `survival label at index ${i} is ${v}; expected +time (event) or -time (censored) with time > 0`, {
        where,
        hint: 'read survival data with a schema that declares survival: { time, event } (docs/survival.md)',
      });
    }
    time[i] = Math.abs(v);
    if (v > 0) {
      event[i] = 1;
      events++;
    }
  }
  return { time, event, events };
}
