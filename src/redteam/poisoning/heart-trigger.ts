import { ErrorCodes, MedfedError } from '../../core/errors.js';
import type { TabularTrigger } from './attacks.js';

/**
 * The backdoor trigger for the heart data: serum cholesterol and resting blood pressure both set
 * to +4 standard deviations (values that exist in no patient together), target label 0 ("no
 * heart disease"): a patient at high risk gets waved through. Both features push a clean model
 * toward disease, so without an attack the trigger does not produce the target (the report's
 * "trigger baseline" column).
 */
export function heartTrigger(featureNames: readonly string[], value = 4): TabularTrigger {
  const features = ['serum_cholesterol', 'resting_bp'].map((name) => {
    const index = featureNames.indexOf(name);
    if (index < 0) throw new MedfedError(ErrorCodes.DATA_INVALID, `the heart data has no feature "${name}"`, { where: 'heart schema', hint: 'use the bundled data/heart' });
    return { index, name, value };
  });
  return { features, targetLabel: 0 };
}
