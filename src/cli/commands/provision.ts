import { join } from 'node:path';
import type { Command } from 'commander';
import { ErrorCodes, MedfedError } from '../../core/errors.js';
import { parseRevocationReason } from '../../pki/crl.js';
import { addSite, listIssued, refreshCrl, revokeIdentity } from '../../pki/manage-project.js';
import { loadProjectConfig } from '../../pki/project-config.js';
import { provisionProject } from '../../pki/provision-project.js';
import type { IssuedRecord } from '../../pki/state.js';

function kitLine(dir: string, r: IssuedRecord): string {
  const who = r.site && r.role !== 'site' ? `${r.role} of ${r.site}` : r.role;
  return `  ${r.name.padEnd(34)} ${who.padEnd(26)} serial ${r.serial.padEnd(6)} ${join(dir, r.kitDir)}\n`;
}

export function registerProvisionCommand(program: Command): void {
  const provision = program
    .command('provision')
    .description('Create a project CA and startup kits (coordinator, sites, users) from project.yaml; add, revoke and list identities')
    .argument('[project]', 'project.yaml (see docs/provisioning.md)')
    .option('--out <dir>', 'new, empty folder for the CA, the kits and state.json')
    .action(async (file: string | undefined, opts: { out?: string }) => {
      if (!file) {
        provision.help({ error: true });
        return;
      }
      if (!opts.out) {
        throw new MedfedError(ErrorCodes.CONFIG_INVALID, 'say where the CA and the kits go', { where: '--out', hint: `medfed provision ${file} --out DIR` });
      }
      const config = loadProjectConfig(file);
      const issued = await provisionProject(config, opts.out);
      process.stdout.write(`provisioned project "${config.project}" in ${opts.out}: root CA in ${join(opts.out, 'ca')} (keep ca.key offline)\n`);
      for (const r of issued) process.stdout.write(kitLine(opts.out, r));
      process.stdout.write('send each kit folder to its owner over a trusted channel; key.pem never leaves that machine\n');
    });

  provision
    .command('add-site')
    .description('Issue a startup kit for a new site from the existing project CA')
    .argument('<name>', 'site name (letters, digits, ".", "_", "-")')
    .requiredOption('--project <dir>', 'the provisioned project folder')
    .option('--org <org>', 'organisation written into the certificate subject')
    .action(async (name: string, opts: { project: string; org?: string }) => {
      const r = await addSite(opts.project, name, { org: opts.org });
      process.stdout.write(`issued a site kit:\n${kitLine(opts.project, r)}`);
    });

  provision
    .command('revoke')
    .description('Revoke every valid certificate of a site, user or the coordinator and publish a new CRL')
    .argument('<name>', 'site name, user e-mail or coordinator name')
    .requiredOption('--project <dir>', 'the provisioned project folder')
    .requiredOption('--reason <reason>', 'unspecified | key-compromise | affiliation-changed | superseded | cessation-of-operation | privilege-withdrawn')
    .option('--note <text>', 'free text kept in the index')
    .action(async (name: string, opts: { project: string; reason: string; note?: string }) => {
      const reason = parseRevocationReason(opts.reason, '--reason');
      const revoked = await revokeIdentity(opts.project, name, reason, { note: opts.note });
      for (const r of revoked) process.stdout.write(`revoked ${r.name} serial ${r.serial} (${reason})\n`);
      process.stdout.write(`new CRL: ${join(opts.project, 'ca', 'crl.pem')} (also copied into the coordinator kit); install it on the coordinator machine\n`);
    });

  provision
    .command('crl')
    .description('Re-sign the CRL with a fresh validity window (before its next-update date passes)')
    .requiredOption('--project <dir>', 'the provisioned project folder')
    .action(async (opts: { project: string }) => {
      await refreshCrl(opts.project);
      process.stdout.write(`new CRL: ${join(opts.project, 'ca', 'crl.pem')}\n`);
    });

  provision
    .command('list')
    .description('Show every certificate issued in a project and its status')
    .requiredOption('--project <dir>', 'the provisioned project folder')
    .option('--json', 'print JSON instead of a table')
    .action((opts: { project: string; json?: boolean }) => {
      const rows = listIssued(opts.project);
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
        return;
      }
      process.stdout.write(`${'serial'.padEnd(8)}${'name'.padEnd(32)}${'role'.padEnd(15)}${'site'.padEnd(16)}${'status'.padEnd(36)}expires\n`);
      for (const r of rows) {
        const status = r.effectiveStatus === 'revoked' ? `revoked (${r.reason})` : r.effectiveStatus;
        process.stdout.write(`${r.serial.padEnd(8)}${r.name.padEnd(32)}${r.role.padEnd(15)}${(r.site ?? '-').padEnd(16)}${status.padEnd(36)}${r.notAfter.slice(0, 10)}\n`);
      }
    });
}
