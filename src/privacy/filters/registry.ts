import { z } from 'zod';
import { ErrorCodes, MedfedError } from '../../core/errors.js';
import { formatZodIssues } from '../../core/zod-errors.js';
import { excludeLayers } from './exclude-layers.js';
import { normClip } from './norm-clip.js';
import { percentileSparsify } from './percentile.js';
import { quantize8bit } from './quantize-filter.js';
import { topK } from './top-k.js';
import type { FilterPlugin, UpdateFilter } from './types.js';

const plugins = new Map<string, FilterPlugin>();

/** Add a filter kind (the built-ins are registered on import). Names are unique. */
export function registerFilter(plugin: FilterPlugin): void {
  if (plugins.has(plugin.name)) {
    throw new MedfedError(ErrorCodes.CONFIG_INVALID, `a filter named "${plugin.name}" is already registered`, { hint: 'give the filter another name' });
  }
  plugins.set(plugin.name, plugin);
}

for (const p of [excludeLayers, normClip, topK, percentileSparsify, quantize8bit] as FilterPlugin[]) registerFilter(p);

/** The filter kind registered as `name`; UNKNOWN_NAME lists the registered ones. */
export function getFilterPlugin(name: string, where?: string): FilterPlugin {
  const p = plugins.get(name);
  if (!p) {
    throw new MedfedError(ErrorCodes.UNKNOWN_NAME, `unknown filter "${name}"; registered filters: ${filterNames().join(', ')}`, {
      where,
      hint: 'see docs/privacy-filters.md',
    });
  }
  return p;
}

export function filterNames(): string[] {
  return [...plugins.keys()].sort();
}

/** One filter from its name and raw options (validated, defaults filled in); `where` is the spec path of the entry. */
export function createFilter(name: string, options: unknown, where = 'filter'): UpdateFilter {
  const plugin = getFilterPlugin(name, `${where}.name`);
  const r = plugin.schema.safeParse(options ?? {});
  if (!r.success) {
    const text = formatZodIssues(r.error, `${where}.options`);
    throw new MedfedError(ErrorCodes.CONFIG_INVALID, `invalid options for filter "${name}": ${text}`, {
      where: `${where}.options`,
      hint: 'see docs/privacy-filters.md for each filter\'s options',
    });
  }
  return plugin.create(r.data);
}

const chainSchema = z.array(z.strictObject({ name: z.string(), options: z.unknown().optional() }));

/** A filter chain from a site's policy: `[{ name, options? }, …]`, applied in the listed order. */
export function parseFilterChain(specs: unknown, where = 'filters'): UpdateFilter[] {
  const r = chainSchema.safeParse(specs ?? []);
  if (!r.success) {
    throw new MedfedError(ErrorCodes.CONFIG_INVALID, `invalid filter chain: ${formatZodIssues(r.error, where)}`, {
      where,
      hint: 'a filter chain is a list of { name, options }',
    });
  }
  return r.data.map((s, i) => createFilter(s.name, s.options, `${where}[${i}]`));
}
