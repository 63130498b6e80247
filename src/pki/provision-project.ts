import { existsSync, readdirSync } from 'node:fs';
import { ErrorCodes, MedfedError } from '../core/errors.js';
import { createRootCa, serialHex, validityFrom } from './certificates.js';
import { makePrivateDir, writePublicFile, writeSecretFile } from './files.js';
import { exportPrivateKeyPem } from './keys.js';
import { issueKit, publishCrl, saveProject, type OpenProject } from './project.js';
import type { ProjectConfig } from './project-config.js';
import { projectPaths, stateFormat, type IssuedRecord } from './state.js';

/**
 * Create a project folder: the root CA (ca/), one kit for the coordinator, each site and each
 * user, an empty CRL and state.json. Refuses a folder that is not empty, so a CA is never replaced.
 */
export async function provisionProject(config: ProjectConfig, outDir: string, now = new Date()): Promise<IssuedRecord[]> {
  if (existsSync(outDir) && readdirSync(outDir).length > 0) {
    throw new MedfedError(ErrorCodes.OUTPUT_FAILURE, `the output folder ${outDir} is not empty`, {
      where: outDir,
      hint: 'provision into a new folder; to add a site to an existing project use "medfed provision add-site"',
    });
  }
  const paths = projectPaths(outDir);
  makePrivateDir(outDir);
  makePrivateDir(paths.caDir);
  const ca = await createRootCa(config.project, serialHex(1), validityFrom(now, config.validity.caDays));
  writeSecretFile(paths.caKey, await exportPrivateKeyPem(ca.privateKey));
  writePublicFile(paths.caCert, ca.cert.toString('pem'));
  const p: OpenProject = {
    dir: outDir,
    ca,
    state: {
      format: stateFormat,
      project: config.project,
      createdAt: now.toISOString(),
      coordinator: config.coordinator,
      validity: config.validity,
      policyDefaults: config.policyDefaults,
      nextSerial: 2,
      nextCrlNumber: 1,
      issued: [],
    },
  };
  await issueKit(p, { kind: 'coordinator' }, now);
  for (const s of config.sites) await issueKit(p, { kind: 'site', name: s.name, org: s.org }, now);
  for (const u of config.users) await issueKit(p, { kind: 'user', email: u.email, role: u.role, site: u.site }, now);
  await publishCrl(p, now);
  saveProject(p);
  return p.state.issued;
}
