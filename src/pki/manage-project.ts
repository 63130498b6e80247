import { ErrorCodes, MedfedError } from '../core/errors.js';
import type { RevocationReason } from './crl.js';
import { issueKit, openProject, publishCrl, saveProject } from './project.js';
import { readState, type IssuedRecord } from './state.js';

/** Issue a kit for a new site (or for one whose earlier certificates were all revoked). */
export async function addSite(dir: string, name: string, opts: { org?: string; now?: Date } = {}): Promise<IssuedRecord> {
  const p = await openProject(dir);
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/.test(name)) {
    throw new MedfedError(ErrorCodes.CONFIG_INVALID, `"${name}" is not a valid site name: use 1-63 letters, digits, ".", "_" or "-"`, { where: 'add-site NAME' });
  }
  const taken = p.state.issued.find((r) => r.name === name && (r.kind !== 'site' || r.status === 'valid'));
  if (taken) {
    throw new MedfedError(ErrorCodes.CONFIG_INVALID, `"${name}" already holds a valid ${taken.role} certificate (serial ${taken.serial})`, {
      where: 'add-site NAME',
      hint: `to re-issue a site kit, first run "medfed provision revoke ${name} --project ${dir} --reason superseded"`,
    });
  }
  const record = await issueKit(p, { kind: 'site', name, org: opts.org }, opts.now ?? new Date());
  saveProject(p);
  return record;
}

/** Revoke every valid certificate issued to `name` (a site, user e-mail or the coordinator) and publish a new CRL. */
export async function revokeIdentity(
  dir: string,
  name: string,
  reason: RevocationReason,
  opts: { note?: string; now?: Date } = {},
): Promise<IssuedRecord[]> {
  const p = await openProject(dir);
  const now = opts.now ?? new Date();
  const targets = p.state.issued.filter((r) => r.name === name && r.status === 'valid');
  if (targets.length === 0) {
    const known = [...new Set(p.state.issued.filter((r) => r.status === 'valid').map((r) => r.name))];
    throw new MedfedError(ErrorCodes.CONFIG_INVALID, `no valid certificate is issued to "${name}"; valid holders: ${known.join(', ') || 'none'}`, {
      where: 'revoke NAME',
    });
  }
  for (const r of targets) {
    r.status = 'revoked';
    r.revokedAt = now.toISOString();
    r.reason = reason;
    if (opts.note) r.note = opts.note;
  }
  await publishCrl(p, now);
  saveProject(p);
  return targets;
}

export type IssuedStatus = 'valid' | 'revoked' | 'expired' | 'not-yet-valid';

/** Every certificate issued so far, with its status at `now` (needs no CA key). */
export function listIssued(dir: string, now = new Date()): Array<IssuedRecord & { effectiveStatus: IssuedStatus }> {
  return readState(dir).issued.map((r) => {
    let effectiveStatus: IssuedStatus = r.status;
    if (r.status === 'valid' && now.getTime() > Date.parse(r.notAfter)) effectiveStatus = 'expired';
    else if (r.status === 'valid' && now.getTime() < Date.parse(r.notBefore)) effectiveStatus = 'not-yet-valid';
    return { ...r, effectiveStatus };
  });
}

/** Re-sign the CRL with a fresh validity window (run before ca/crl.pem's nextUpdate passes). */
export async function refreshCrl(dir: string, now = new Date()): Promise<void> {
  const p = await openProject(dir);
  await publishCrl(p, now);
  saveProject(p);
}
