import { z } from 'zod';
import { filterNames, getFilterPlugin } from './registry.js';

/**
 * How a filter is named in a site policy or a job spec: `{ name, options? }` with a registered
 * filter name and that filter's options. `filterChainSpecSchema` checks the names and options
 * with each filter's own schema while parsing, so a config error names its path
 * (`filters[1].options.fraction: expected number <= 1`); `parseFilterChain` builds the filters.
 */
export const filterSpecSchema = z.strictObject({
  name: z.string().min(1),
  options: z.record(z.string(), z.unknown()).optional(),
});

export type FilterSpec = z.output<typeof filterSpecSchema>;

export const filterChainSpecSchema = z.array(filterSpecSchema).superRefine((specs, ctx) => {
  specs.forEach((spec, i) => {
    if (!filterNames().includes(spec.name)) {
      ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `unknown filter "${spec.name}"; registered filters: ${filterNames().join(', ')}` });
      return;
    }
    const r = getFilterPlugin(spec.name).schema.safeParse(spec.options ?? {});
    if (!r.success) {
      for (const issue of r.error.issues) ctx.addIssue({ code: 'custom', path: [i, 'options', ...issue.path], message: issue.message });
    }
  });
});
