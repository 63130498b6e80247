import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { revokeIdentity } from '../../src/pki/manage-project.js';
import { issueKit, openProject, saveProject } from '../../src/pki/project.js';
import { parseProjectConfig } from '../../src/pki/project-config.js';
import { provisionProject } from '../../src/pki/provision-project.js';
import { readStartupKit, type StartupKit } from '../../src/pki/startup-kit.js';

const dayMs = 86_400_000;

export function projectYaml(project: string, sites: readonly string[]): string {
  return [
    `project: ${project}`,
    'coordinator:',
    '  hosts: [127.0.0.1, localhost]',
    '  port: 8443',
    'sites:',
    ...sites.map((s) => `  - name: ${s}`),
    'users:',
    '  - email: lead@example.org',
    '    role: project-admin',
    '  - email: analyst@example.org',
    '    role: researcher',
    '  - email: other@example.org',
    '    role: researcher',
    'policyDefaults:',
    '  approval: auto',
    '  minSitesPerAggregate: 2',
    '  minSamplesPerUpdate: 10',
  ].join('\n');
}

export interface TestPki {
  readonly dir: string;
  kit(path: string): StartupKit;
  /** A site kit whose certificate comes from another project's CA (but trusting this project's CA). */
  readonly foreignSite: StartupKit;
}

/**
 * A provisioned project in a temp folder: sites `sites`, plus `expired` (a site certificate
 * whose validity ended yesterday) and `revoked` (revoked, CRL published into the coordinator kit).
 */
export async function makeTestPki(sites: readonly string[]): Promise<TestPki> {
  const base = mkdtempSync(join(tmpdir(), 'medfed-net-'));
  const dir = join(base, 'project');
  await provisionProject(parseProjectConfig(projectYaml('net-test', [...sites, 'revoked']), 'project.yaml'), dir);
  const p = await openProject(dir);
  const now = new Date();
  await issueKit(p, { kind: 'site', name: 'expired' }, now, { notBefore: new Date(now.getTime() - 30 * dayMs), notAfter: new Date(now.getTime() - dayMs) });
  saveProject(p);
  await revokeIdentity(dir, 'revoked', 'key-compromise');

  const otherDir = join(base, 'other');
  await provisionProject(parseProjectConfig(projectYaml('net-test', sites), 'project.yaml'), otherDir);
  const rogue = readStartupKit(join(otherDir, 'sites', sites[0]));
  const realCa = readStartupKit(join(dir, 'sites', sites[0])).caPem;
  return {
    dir,
    kit: (path) => readStartupKit(join(dir, path)),
    foreignSite: { ...rogue, caPem: realCa },
  };
}
