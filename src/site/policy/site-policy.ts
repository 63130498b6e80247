import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { asMedfedError, ErrorCodes, MedfedError } from '../../core/errors.js';
import { parseYamlConfig } from '../../core/yaml-config.js';
import { parseFilterChain } from '../../privacy/filters/registry.js';
import { filterChainSpecSchema } from '../../privacy/filters/spec.js';

/**
 * The site policy file (policy.yaml in each site kit, written by src/pki/policy-template.ts):
 * the site admin edits it on the site machine and the site agent enforces it itself, re-reading
 * it for every new job so an edit takes effect without a restart.
 */
const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'expected a job hash: 64 lowercase hex characters (sha256)');

export const sitePolicySchema = z
  .strictObject({
    site: z.string().min(1),
    approval: z.strictObject({
      mode: z.enum(['manual', 'auto']),
      approvedJobHashes: z.array(sha256Hex).default([]),
    }),
    allowedStrategies: z.array(z.string().min(1)),
    /** Optional (not in the template): learning tasks this site takes part in; absent = any. */
    allowedTasks: z.array(z.enum(['binary-classification', 'multiclass-classification'])).optional(),
    /**
     * Mandatory update filters (docs/privacy-filters.md), applied in this order to every update
     * before it leaves the site, after any filters a job adds; a job cannot remove them.
     */
    filters: filterChainSpecSchema.default([]),
    /** The old list of filter names (before filters had options): refused with a migration hint. */
    mandatoryFilters: z.unknown().optional(),
    minSitesPerAggregate: z.number().int().min(1),
    minSamplesPerUpdate: z.number().int().min(1),
    /**
     * Total DP budget of all jobs at this site, enforced by its privacy ledger (DATA_DIR/privacy-ledger.json):
     * a DP job whose planned epsilon exceeds what is left is refused before it runs.
     */
    privacyBudget: z.strictObject({ epsilon: z.number().positive(), delta: z.number().positive().lt(1) }),
    /** Refuse jobs without patient-level DP (`privacy.dpSgd`); default false: jobs without DP run and spend nothing. */
    requireDp: z.boolean().default(false),
  })
  .superRefine((p, ctx) => {
    if (p.mandatoryFilters !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['mandatoryFilters'],
        message:
          'replaced by "filters: [{ name, options }]" — min-sample-count is the minSamplesPerUpdate rule (drop it), ' +
          'update-norm-clip is { name: norm-clip, options: { maxNorm: N } }; see docs/deployment.md (site policy)',
      });
    }
  });

export type SitePolicyFile = Omit<z.output<typeof sitePolicySchema>, 'mandatoryFilters'>;

/**
 * Parse and check a policy; its filter chain is built once here (parseFilterChain), so a filter
 * the agent could not run is CONFIG_INVALID naming the file and path, at load, not at release.
 */
export function parseSitePolicy(text: string, file: string): SitePolicyFile {
  const { mandatoryFilters: _legacy, ...policy } = parseYamlConfig(text, file, sitePolicySchema, 'site policy', 'see docs/deployment.md (site policy) for every field');
  try {
    parseFilterChain(policy.filters, 'filters');
  } catch (e) {
    const err = asMedfedError(e);
    throw new MedfedError(ErrorCodes.CONFIG_INVALID, `invalid site policy ${file}: ${err.message}`, {
      where: `${file}: ${err.where ?? 'filters'}`,
      hint: 'see docs/privacy-filters.md for each filter and its options',
      cause: e,
    });
  }
  return policy;
}

export function loadSitePolicy(file: string, site: string): SitePolicyFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new MedfedError(ErrorCodes.CONFIG_INVALID, `cannot read the site policy ${file}: ${(e as Error).message}`, {
      where: file,
      hint: 'every site kit has a policy.yaml; point "policy" in site.yaml at it',
      cause: e,
    });
  }
  const policy = parseSitePolicy(text, file);
  if (policy.site !== site) {
    throw new MedfedError(ErrorCodes.CONFIG_INVALID, `the policy ${file} is for site "${policy.site}", this site is "${site}"`, { where: `${file}: site` });
  }
  return policy;
}
