import { stringify } from 'yaml';
import { ErrorCodes, MedfedError } from '../core/errors.js';
import { createFilter } from '../privacy/filters/registry.js';
import type { FilterSpec } from '../privacy/filters/spec.js';
import { strategyNames } from '../strategies/registry.js';
import type { PolicyDefaults } from './project-config.js';

/** The site policy shipped in each site kit; the site admin edits it, the site enforces it. */
export interface SitePolicy {
  site: string;
  approval: { mode: 'manual' | 'auto'; approvedJobHashes: string[] };
  allowedStrategies: string[];
  /** Mandatory update filters `[{ name, options }]` (src/privacy/filters), applied in order. */
  filters: FilterSpec[];
  minSitesPerAggregate: number;
  minSamplesPerUpdate: number;
  privacyBudget: { epsilon: number; delta: number };
}

/**
 * The template's norm bound: the L2 norm of the whole update delta (trained minus received
 * weights) above which the site scales its update down. Generous on purpose: it caps what one
 * site can do to the shared model (a runaway or poisoned update) without touching normal
 * training; the heart study's per-round deltas measure 0.07 to 0.13 (docs/deployment.md). A site admin
 * tightens it to a few times the norms its audit log shows (`update_released` records normBefore).
 */
export const TEMPLATE_MAX_NORM = 10;

/**
 * The template's filters. project.yaml's `policyDefaults.mandatoryFilters` is a list of names:
 * `min-sample-count` is the minSamplesPerUpdate rule, not a filter (left out);
 * `update-norm-clip` (the old name) and `norm-clip` become norm-clip with TEMPLATE_MAX_NORM;
 * any other filter library name is taken with its default options (one that needs options,
 * such as top-k, is CONFIG_INVALID: set it in each site's policy.yaml instead). A `filters`
 * list of `{ name, options }` in the defaults, where a project has one, is taken as it is.
 * Nothing lossy is added by default: the template's chain leaves a normal update bit-for-bit.
 */
export function templateFilters(defaults: PolicyDefaults & { filters?: FilterSpec[] }): FilterSpec[] {
  if (defaults.filters) {
    defaults.filters.forEach((f, i) => createFilter(f.name, f.options, `policyDefaults.filters[${i}]`));
    return defaults.filters.map((f) => ({ ...f }));
  }
  const out: FilterSpec[] = [];
  defaults.mandatoryFilters.forEach((name, i) => {
    if (name === 'min-sample-count') return;
    const where = `policyDefaults.mandatoryFilters[${i}]`;
    if (name === 'update-norm-clip' || name === 'norm-clip') {
      out.push({ name: 'norm-clip', options: { maxNorm: TEMPLATE_MAX_NORM } });
      return;
    }
    try {
      createFilter(name, {}, where);
    } catch (e) {
      throw new MedfedError(ErrorCodes.CONFIG_INVALID, `policyDefaults.mandatoryFilters names "${name}", which has no usable defaults: ${(e as Error).message}`, {
        where,
        hint: 'name min-sample-count, norm-clip or a filter without required options here; set filters with options in each site\'s policy.yaml (docs/privacy-filters.md)',
      });
    }
    out.push({ name });
  });
  return out;
}

export function defaultSitePolicy(site: string, defaults: PolicyDefaults & { filters?: FilterSpec[] }): SitePolicy {
  return {
    site,
    approval: { mode: defaults.approval, approvedJobHashes: [] },
    allowedStrategies: defaults.allowedStrategies ?? strategyNames(),
    filters: templateFilters(defaults),
    minSitesPerAggregate: defaults.minSitesPerAggregate,
    minSamplesPerUpdate: defaults.minSamplesPerUpdate,
    privacyBudget: defaults.privacyBudget,
  };
}

const comments: Record<string, string> = {
  approval:
    'manual: the site trains on a job only after its site admin approves the job hash (spec plus code);\n' +
    'auto: any job that passes the rest of this policy runs. approvedJobHashes lists sha256 job hashes.',
  allowedStrategies: 'Federated strategies this site takes part in; a job using another one is refused.',
  filters:
    'Mandatory privacy filters, applied in this order to every update before it leaves the site\n' +
    '(docs/privacy-filters.md: exclude-layers, norm-clip, top-k, percentile, quantize-8bit).\n' +
    'A job can add filters (they run first), never remove these (they always run last).\n' +
    'norm-clip bounds the L2 norm of an update\'s change; the audit log records each update\'s normBefore.',
  minSitesPerAggregate: 'The site refuses to contribute to an aggregate built from fewer sites than this.',
  minSamplesPerUpdate: 'The site sends no update computed from fewer records than this (small-cell protection).',
  privacyBudget: 'Total differential-privacy budget (epsilon, delta) this site spends over all jobs.',
};

/** policy.yaml text: the defaults with a comment above each field saying what it controls. */
export function sitePolicyYaml(policy: SitePolicy): string {
  const head = `# medfed site policy for "${policy.site}". Edit this file on the site's machine; the site\n# agent enforces it itself (the coordinator's checks are not relied upon).\n`;
  const blocks = Object.entries(policy).map(([key, value]) => {
    const note = comments[key] ? `${comments[key].replace(/^/gm, '# ')}\n` : '';
    return `${note}${stringify({ [key]: value })}`;
  });
  return `${head}\n${blocks.join('\n')}`;
}
