import { concordanceCounts } from './concordance.js';
import { decodeSurvival } from './survival-labels.js';
import { requireNonEmpty } from './validate-inputs.js';

/** Metrics of Cox risk scores on a labelled set (eval/task.ts: task "survival", headline cIndex). */
export type SurvivalMetrics = {
  readonly task: 'survival';
  readonly n: number;
  readonly events: number;
  /** Harrell's C-index (concordance.ts); null when no pair is comparable. */
  readonly cIndex: number | null;
  readonly comparablePairs: number;
  readonly undefinedReasons: Partial<Record<'cIndex', string>>;
};

/** Survival metrics of risk scores (a Cox model's eta, TrainableModel.predict) against y = ±time. */
export function survivalMetrics(risk: ArrayLike<number>, y: ArrayLike<number>, where = 'survival metrics'): SurvivalMetrics {
  requireNonEmpty(y.length, where);
  const { events } = decodeSurvival(y, where);
  const c = concordanceCounts(risk, y, where);
  const cIndex = c.comparable === 0 ? null : (c.concordant + c.tiedRisk / 2) / c.comparable;
  return {
    task: 'survival',
    n: y.length,
    events,
    cIndex,
    comparablePairs: c.comparable,
    undefinedReasons: cIndex === null ? { cIndex: events === 0 ? 'no event in the set' : 'no comparable pair (all events tied at the last time)' } : {},
  };
}
