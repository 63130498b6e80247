import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { jobHash, parseJobSpec } from '../../src/core/job-spec.js';
import { parseProjectConfig } from '../../src/pki/project-config.js';
import { defaultSitePolicy, sitePolicyYaml, templateFilters, TEMPLATE_MAX_NORM } from '../../src/pki/policy-template.js';
import { decideJob } from '../../src/site/policy/decide-job.js';
import { loadSitePolicy, parseSitePolicy } from '../../src/site/policy/site-policy.js';
import type { AdmittedJob } from '../../src/site/site-jobs.js';
import { heartJobYaml } from './helpers.js';

const projectDefaults = (policyDefaults: string[] = []) =>
  parseProjectConfig(['project: p', 'coordinator:', '  hosts: [localhost]', 'sites:', '  - name: site-a', ...(policyDefaults.length ? ['policyDefaults:', ...policyDefaults] : [])].join('\n')).policyDefaults;

const templateText = (site = 'site-a') => sitePolicyYaml(defaultSitePolicy(site, projectDefaults(['  approval: auto'])));

function policyWith(filtersYaml: string): string {
  return templateText().replace(/^filters:\n(?:  .*\n|\s*\n)*?(?=^#|^\w)/m, `filters:\n${filtersYaml}\n\n`);
}

function thrown(fn: () => unknown): { code: string; message: string; where?: string } {
  try {
    fn();
  } catch (e) {
    return e as { code: string; message: string; where?: string };
  }
  assert.fail('expected an error');
}

test('the template policy has the generous mandatory norm-clip and nothing lossy, and parses back', () => {
  const policy = parseSitePolicy(templateText(), 'policy.yaml');
  assert.deepEqual(policy.filters, [{ name: 'norm-clip', options: { maxNorm: TEMPLATE_MAX_NORM } }]);
  assert.equal(TEMPLATE_MAX_NORM, 10);
  assert.equal(policy.minSamplesPerUpdate, 20);
  assert.match(templateText(), /# A job can add filters \(they run first\), never remove these/);
  assert.doesNotMatch(templateText(), /mandatoryFilters/);
});

test('project defaults map to template filters: min-sample-count is the rule, update-norm-clip is norm-clip', () => {
  assert.deepEqual(templateFilters(projectDefaults(['  mandatoryFilters: [min-sample-count]'])), []);
  assert.deepEqual(templateFilters(projectDefaults(['  mandatoryFilters: [min-sample-count, update-norm-clip, quantize-8bit]'])), [
    { name: 'norm-clip', options: { maxNorm: TEMPLATE_MAX_NORM } },
    { name: 'quantize-8bit' },
  ]);
  const e = thrown(() => templateFilters(projectDefaults(['  mandatoryFilters: [top-k]'])));
  assert.equal(e.code, 'MEDFED_ERR_CONFIG_INVALID');
  assert.equal(e.where, 'policyDefaults.mandatoryFilters[0]');
  const f = thrown(() => templateFilters({ ...projectDefaults(), filters: [{ name: 'top-k', options: { fraction: 0 } }] }));
  assert.equal(f.where, 'policyDefaults.filters[0].options');
});

test('a policy with an unknown filter or bad options is CONFIG_INVALID naming the file and the path', () => {
  const dir = mkdtempSync(join(tmpdir(), 'medfed-policy-'));
  const file = join(dir, 'policy.yaml');
  writeFileSync(file, policyWith('  - name: norm-clip\n    options: { maxNorm: 2 }\n  - name: gaussian-blur'));
  const unknown = thrown(() => loadSitePolicy(file, 'site-a'));
  assert.equal(unknown.code, 'MEDFED_ERR_CONFIG_INVALID');
  assert.equal(unknown.where, `${file}: filters[1].name`);
  assert.match(unknown.message, /unknown filter "gaussian-blur"; registered filters: exclude-layers, norm-clip/);

  writeFileSync(file, policyWith('  - name: top-k\n    options: { fraction: 1.5 }'));
  const bad = thrown(() => loadSitePolicy(file, 'site-a'));
  assert.equal(bad.code, 'MEDFED_ERR_CONFIG_INVALID');
  assert.equal(bad.where, `${file}: filters[0].options.fraction`);

  writeFileSync(file, policyWith('  - name: norm-clip\n    options: { maxNorm: 2, typo: 1 }'));
  assert.match(thrown(() => loadSitePolicy(file, 'site-a')).where ?? '', /filters\[0\]\.options/);

  writeFileSync(file, policyWith('  - name: exclude-layers\n    options: { patterns: ["0.*"] }\n  - name: percentile\n    options: { percentile: 90 }'));
  assert.deepEqual(loadSitePolicy(file, 'site-a').filters.map((f) => f.name), ['exclude-layers', 'percentile']);
});

test('an old policy with mandatoryFilters is refused with a migration hint', () => {
  const old = templateText().replace(/^filters:\n(?:  .*\n)*/m, 'mandatoryFilters: [min-sample-count, update-norm-clip]\n');
  const e = thrown(() => parseSitePolicy(old, 'old/policy.yaml'));
  assert.equal(e.code, 'MEDFED_ERR_CONFIG_INVALID');
  assert.equal(e.where, 'old/policy.yaml: mandatoryFilters');
  assert.match(e.message, /replaced by "filters: \[\{ name, options \}\]"/);
});

const admitted = (yaml: string): AdmittedJob => ({ jobId: 'j1', spec: parseJobSpec(yaml), specYaml: yaml, jobHash: jobHash(yaml, '1.0.0') });

test('the default policy admits a heart job (its filters are ones the agent applies)', () => {
  const policy = parseSitePolicy(templateText(), 'policy.yaml');
  const d = decideJob(admitted(heartJobYaml()), policy, []);
  assert.deepEqual(d, { approved: true, by: 'policy:auto', reason: 'approval mode auto; the job fits the site policy' });
  const withFilters = decideJob(admitted(heartJobYaml({ filters: [{ name: 'quantize-8bit', options: { rounding: 'stochastic' } }] })), policy, []);
  assert.equal(withFilters.approved, true);
});

test('job spec filters: optional (absent keeps the spec and so its hash as before), checked by name and options', () => {
  assert.equal('filters' in parseJobSpec(heartJobYaml()), false);
  const spec = parseJobSpec(heartJobYaml({ filters: [{ name: 'top-k', options: { fraction: 0.1 } }] }));
  assert.deepEqual(spec.filters, [{ name: 'top-k', options: { fraction: 0.1 } }]);
  assert.notEqual(jobHash(heartJobYaml({ filters: [{ name: 'top-k', options: { fraction: 0.1 } }] }), '1'), jobHash(heartJobYaml(), '1'));
  const bad = thrown(() => parseJobSpec(heartJobYaml({ filters: [{ name: 'top-k', options: { fraction: 2 } }] }), 'job.yaml'));
  assert.equal(bad.code, 'MEDFED_ERR_CONFIG_INVALID');
  assert.equal(bad.where, 'job.yaml: filters[0].options.fraction');
  const unknown = thrown(() => parseJobSpec(heartJobYaml({ filters: [{ name: 'remove-site-filters' }] }), 'job.yaml'));
  assert.equal(unknown.where, 'job.yaml: filters[0].name');
});
