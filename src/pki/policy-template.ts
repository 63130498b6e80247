import { stringify } from 'yaml';
import { strategyNames } from '../strategies/registry.js';
import type { PolicyDefaults } from './project-config.js';

/** The site policy shipped in each site kit; the site admin edits it, the site enforces it. */
export interface SitePolicy {
  site: string;
  approval: { mode: 'manual' | 'auto'; approvedJobHashes: string[] };
  allowedStrategies: string[];
  mandatoryFilters: string[];
  minSitesPerAggregate: number;
  minSamplesPerUpdate: number;
  privacyBudget: { epsilon: number; delta: number };
}

export function defaultSitePolicy(site: string, defaults: PolicyDefaults): SitePolicy {
  return {
    site,
    approval: { mode: defaults.approval, approvedJobHashes: [] },
    allowedStrategies: defaults.allowedStrategies ?? strategyNames(),
    mandatoryFilters: defaults.mandatoryFilters,
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
  mandatoryFilters: 'Privacy filters applied to every update before it leaves the site. A job can add filters, never remove these.',
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
