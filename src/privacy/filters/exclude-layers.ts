import { z } from 'zod';
import { ErrorCodes, MedfedError } from '../../core/errors.js';
import { deltaOf, weightsFromDelta } from './delta.js';
import type { FilterPlugin } from './types.js';

const schema = z.strictObject({
  /** Glob patterns over tensor names: `*` any run of characters, `?` one character, e.g. "3.*", "*.running_*". */
  patterns: z.array(z.string().min(1, { error: 'expected a non-empty pattern' })).min(1, { error: 'expected at least one pattern' }),
});

/**
 * Exclude layers: tensors whose names match a pattern are sent back with the global values (a
 * zero delta), so nothing of the site's training of them leaves it; the coordinator's mean then
 * pulls those tensors toward the unchanged global ones. A pattern that matches no tensor is
 * CONFIG_INVALID (a typo must not silently send a layer the site meant to keep).
 */
export const excludeLayers: FilterPlugin<typeof schema> = {
  name: 'exclude-layers',
  description: 'send chosen tensors (by name pattern) back unchanged: zero delta',
  schema,
  create: (options) => {
    const matchers = options.patterns.map((p) => ({ pattern: p, regex: globToRegExp(p) }));
    return {
      name: 'exclude-layers',
      apply: (update) => {
        const delta = deltaOf('exclude-layers', update);
        const names = [...delta.keys()];
        for (const m of matchers) {
          if (!names.some((n) => m.regex.test(n))) {
            throw new MedfedError(ErrorCodes.CONFIG_INVALID, `exclude-layers: pattern "${m.pattern}" matches no tensor; tensors: ${names.join(', ')}`, {
              where: 'filters: exclude-layers.patterns',
              hint: 'fix the pattern (`*` matches any characters, `?` one)',
            });
          }
        }
        let excludedTensors = 0;
        let excludedValues = 0;
        let total = 0;
        for (const [name, d] of delta) {
          total += d.length;
          if (!matchers.some((m) => m.regex.test(name))) continue;
          d.fill(0);
          excludedTensors++;
          excludedValues += d.length;
        }
        return {
          weights: weightsFromDelta(update, delta),
          record: {
            filter: 'exclude-layers',
            options: { patterns: [...options.patterns] },
            effect: { excludedTensors, excludedValues, excludedFraction: total === 0 ? 0 : excludedValues / total },
          },
        };
      },
    };
  },
};

/** A whole-name regular expression for a glob: `*` → any run, `?` → one character, the rest literal. */
export function globToRegExp(glob: string): RegExp {
  const body = [...glob].map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&'))).join('');
  return new RegExp(`^${body}$`);
}
